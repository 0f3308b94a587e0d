"""FastAPI application built from Services; routes stay thin."""

from __future__ import annotations

from fastapi import FastAPI

from assistant.api.errors import install_error_handlers
from assistant.api.routes import ask, health
from assistant.services import Services


def create_app(services: Services) -> FastAPI:
    app = FastAPI(
        title="Trợ lý đào tạo cán bộ",
        description="Tra cứu quy định đào tạo, bồi dưỡng cán bộ, công chức, viên chức, có trích dẫn điều khoản.",
        version="0.1.0",
    )
    app.state.services = services
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(ask.router, prefix="/api/v1")
    return app
