"""Schemas of the install endpoints."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate


class ShopifyQuery(Schema):
    """What Shopify signs on the install request and the OAuth callback (every parameter counts for the HMAC)."""

    class Meta:
        unknown = INCLUDE

    shop = fields.Str(required=True)
    hmac = fields.Str(required=True)
    timestamp = fields.Str(required=True)
    state = fields.Str()
    code = fields.Str()
    host = fields.Str()


class WooStartQuery(Schema):
    """The shop to connect (its base URL)."""

    store_url = fields.Str(validate=validate.Length(max=255))
    lang = fields.Str(validate=validate.OneOf(["de", "en"]))


class WooCallbackSchema(Schema):
    """What wc-auth posts to the callback_url."""

    class Meta:
        unknown = INCLUDE

    key_id = fields.Raw()
    user_id = fields.Str(required=True, validate=validate.Length(min=16, max=64))
    consumer_key = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    consumer_secret = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    key_permissions = fields.Str(required=True, validate=validate.Equal("read_write"))


class WooReturnQuery(Schema):
    """Where WooCommerce sends the merchant's browser back."""

    class Meta:
        unknown = INCLUDE

    success = fields.Str()
    user_id = fields.Str()


class InstalledSchema(Schema):
    """The installed shop."""

    shop_id = fields.Int()
    domain = fields.Str()
    created = fields.Bool()
    reactivated = fields.Bool()
    webhooks_registered = fields.Bool()
