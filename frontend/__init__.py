"""The web UI: page routes, Jinja templates, static assets, browser JS."""
