"""ASGI entry point for servers: ``uvicorn kalibar.web.asgi:app``."""

from kalibar.web.app import create_app

app = create_app()
