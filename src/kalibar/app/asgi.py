"""ASGI entry point for servers: ``uvicorn kalibar.app.asgi:app``."""

from kalibar.app.web import create_app

app = create_app()
