"""Console: the platform's web interface for people (Turkish first, English too).

It owns no domain data and never reads another service's database: every page calls the three services'
APIs with the signed-in user's token, so every rule of the services holds in the browser too. Its own
database (tvp_console) keeps only sessions and used sign-in codes.
"""


def create_app(settings=None):
    """`settings`: a ConsoleSettings, or the platform's Settings (the rest then comes from the environment)."""
    from .app import create_console_app

    return create_console_app(settings)
