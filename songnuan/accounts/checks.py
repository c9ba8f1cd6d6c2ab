"""Start-up checks for accounts: a proxy list that cannot be read stops the server at once
rather than at the first sign-in."""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from songnuan.accounts.client_address import trusted_networks


@register(Tags.security)
def trusted_proxies_readable(app_configs, **kwargs) -> list[Error]:
    try:
        trusted_networks()
    except ImproperlyConfigured as error:
        return [Error(str(error), hint="Comma-separated addresses or CIDR networks, e.g. "
                      "10.0.0.5,10.1.0.0/16.", id="accounts.E001")]
    return []
