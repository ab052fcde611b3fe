"""One blueprint per page area; `services.console.app.page_areas` lists them (and so the navigation)."""
