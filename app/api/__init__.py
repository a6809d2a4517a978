"""HTTP layer: blueprints that parse, authenticate, call one service or query, and serialise."""

from __future__ import annotations

from flask import Flask, current_app

from app.container import Container


def container() -> Container:
    """The app's container, for views."""
    return current_app.extensions["container"]  # type: ignore[no-any-return]


def register_api(app: Flask) -> None:
    """Blueprints, the OpenAPI document at /openapi.json, the one error map, and the hot paths in front of Flask."""
    from app.api import errors, health, webhooks
    from app.api.spec import LoyaltyApi

    api = LoyaltyApi(app, spec_kwargs={"info": {"description": "Loyalty backend for Shopify and WooCommerce shops."}})
    api.register_blueprint(health.blp)
    api.register_blueprint(webhooks.blp)
    for module in _optional_blueprint_modules():
        api.register_blueprint(module.blp)
    errors.register(app)
    from app.api.admin_auth import json_bodies_only
    from app.api.security_headers import add_security_headers

    app.before_request(json_bodies_only)
    app.after_request(add_security_headers)
    app.extensions["loyalty_api"] = api
    from app.api.storefront_hits import WidgetHits
    from app.api.webhook_front import WebhookFront

    # The two hot paths answered in front of Flask (each hands anything unusual on to it); the widget's reads,
    # the most frequent requests, are looked at first.
    app.wsgi_app = WebhookFront(app.wsgi_app, app.extensions["container"])  # type: ignore[method-assign]
    app.wsgi_app = WidgetHits(app.wsgi_app, app.extensions["container"])  # type: ignore[method-assign]


def _optional_blueprint_modules() -> list:  # type: ignore[type-arg]
    """Blueprints of the other capabilities, in registration order."""
    import importlib

    names = ["app.api.storefront", "app.api.auth", "app.api.admin", "app.api.reviews", "app.api.unsubscribe"]
    names += ["app.api.admin_members", "app.api.admin_inbox", "app.api.admin_privacy"]
    names += ["app.api.admin_rewards"]
    names += ["app.api.admin_emails"]
    names += ["app.api.admin_referrals"]
    names += ["app.api.admin_sync"]
    names += ["app.api.admin_connection"]
    names += ["app.api.admin_analytics"]
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules
