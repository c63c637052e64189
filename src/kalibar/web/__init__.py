"""Web shell: app factory, layout, static assets, translations, error handling."""
