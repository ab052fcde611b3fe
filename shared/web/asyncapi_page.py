"""An AsyncAPI 3 document as one self-contained HTML page (no script, no external asset).

Rendered on the server from the document itself, so the page cannot disagree with
/api/v1/asyncapi.json: per topic its description, its messages and each payload field
with its type and description (`$ref`s resolved against the document's components).
"""

from __future__ import annotations

from jinja2 import Environment

from ..asyncapi_view import describe

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

_PAGE = _ENV.from_string("""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ info.title }}</title>
<style>
body { font-family: sans-serif; max-width: 70em; margin: 2em auto; padding: 0 1em; color: #1f2937; }
h1, h2 { color: #003399; } h2 { border-top: 1px solid #d1d5db; padding-top: .8em; }
code { background: #f3f6fb; padding: 0 .2em; } .muted { color: #6b7280; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; }
th, td { text-align: left; vertical-align: top; padding: .25em .5em; border-bottom: 1px solid #e5e7eb; }
.text { white-space: pre-wrap; } .tag { font-size: .8em; background: #e5e7eb; padding: 0 .4em; }
</style>
</head>
<body>
<h1>{{ info.title }} <span class="muted">{{ info.version }}</span></h1>
<p class="muted">AsyncAPI {{ asyncapi }} — the same document as JSON: <a href="asyncapi.json">asyncapi.json</a></p>
<div class="text">{{ info.description }}</div>

<h2>Servers</h2>
<table>
<tr><th>name</th><th>host</th><th>protocol</th><th>description</th></tr>
{% for name, server in servers.items() %}
<tr><td>{{ name }}</td><td><code>{{ server.host }}</code></td><td>{{ server.protocol }}</td>
<td>{{ server.title }}. {{ server.description }}</td></tr>
{% endfor %}
</table>

<h2>Topics</h2>
<ul>
{% for channel in channels %}
<li><a href="#{{ channel.address }}"><code>{{ channel.address }}</code></a> — {{ channel.title }}</li>
{% endfor %}
</ul>

{% for channel in channels %}
<h2 id="{{ channel.address }}"><code>{{ channel.address }}</code>
{% for tag in channel.tags %} <span class="tag">{{ tag }}</span>{% endfor %}
{% if channel.deprecated %} <span class="tag">deprecated</span>{% endif %}</h2>
<p><strong>{{ channel.title }}</strong></p>
<div class="text">{{ channel.description }}</div>
{% for message in channel.messages %}
<h3 id="{{ message.name }}"><code>{{ message.name }}</code></h3>
<p>{{ message.summary }}</p>
<table>
<tr><th>data field</th><th>type</th><th>required</th><th>description</th></tr>
{% for field in message.fields %}
<tr><td><code>{{ field.name }}</code></td><td>{{ field.type }}</td><td>{{ "yes" if field.required else "" }}</td>
<td>{{ field.description }}</td></tr>
{% endfor %}
</table>
{% endfor %}
{% endfor %}

<h2 id="envelope">Envelope of every message</h2>
<p>{{ envelope.description }}</p>
<table>
<tr><th>attribute</th><th>type</th><th>required</th><th>description</th></tr>
{% for field in envelope.fields %}
<tr><td><code>{{ field.name }}</code></td><td>{{ field.type }}</td><td>{{ "yes" if field.required else "" }}</td>
<td>{{ field.description }}</td></tr>
{% endfor %}
</table>
</body>
</html>
""")


def render_asyncapi_page(document: dict) -> str:
    return _PAGE.render(**describe(document))
