"""The client's address, read one way by everything that needs it.

The sign-in lockout (django-axes, through ``AXES_CLIENT_IP_CALLABLE``), the limits on
comments, ratings and proposals and the API's throttles all ask ``client_ip(request)``.

A header naming the client (``CLIENT_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``) is only as
honest as whoever sent it: anyone can send ``X-Real-IP: 10.0.0.1``. It is believed only
when the request comes from a proxy the portal trusts (``TRUSTED_PROXIES``), which sets it
itself; from any other address the socket address (``REMOTE_ADDR``) is the client. Without
this, a forged header would let one person pose as many addresses (and dodge every limit),
and trusting nobody's header behind a proxy would make every visitor the proxy.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

SOCKET_ADDRESS = "REMOTE_ADDR"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` as networks; a single address is a network of one."""
    networks = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {value!r} is not an address or a network ({error})"
            ) from error
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted_networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def meta_key(header: str) -> str:
    """``X-Real-IP``, ``HTTP_X_REAL_IP`` or ``REMOTE_ADDR`` as the key of ``request.META``."""
    key = header.strip().upper().replace("-", "_")
    if key and key != SOCKET_ADDRESS and not key.startswith("HTTP_"):
        key = "HTTP_" + key
    return key


def _address(value: str) -> Address | None:
    """One address as written in a header: ``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:80``."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket: one client, one spelling.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    """The address of the client that sent ``request``, as text ("" if there is none)."""
    meta = request.META
    socket_address = _address(meta.get(SOCKET_ADDRESS, "") or "")
    if socket_address is None:
        return meta.get(SOCKET_ADDRESS, "") or ""
    header = meta_key(settings.MINSHENG_CLIENT_IP_HEADER)
    networks = _trusted_networks(tuple(settings.MINSHENG_TRUSTED_PROXIES))
    if header == SOCKET_ADDRESS or not _is_trusted(socket_address, networks):
        return str(socket_address)
    value = meta.get(header, "")
    # A list (X-Forwarded-For: client, proxy1, proxy2) grows to the right as it passes
    # proxies, and its left end is whatever the client wrote; so it is read from the right,
    # past the proxies we trust, to the first address that none of them is.
    hops = [_address(part) for part in value.split(",")] if value else []
    for hop in reversed(hops):
        if hop is None:
            break
        if not _is_trusted(hop, networks):
            return str(hop)
    else:
        if hops:
            return str(hops[0])  # every hop is a trusted proxy: the first is the client
    log.warning(
        "client address: the trusted proxy %s sent no usable %s header (%r)",
        socket_address,
        header,
        value[:100],
    )
    return str(socket_address)


@checks.register(checks.Tags.security, deploy=True)
def check_proxy_header_is_trusted_from_somewhere(app_configs=None, **kwargs):
    """A header named in CLIENT_IP_HEADER but no TRUSTED_PROXIES: the header is never read."""
    header = meta_key(settings.MINSHENG_CLIENT_IP_HEADER)
    if header != SOCKET_ADDRESS and not settings.MINSHENG_TRUSTED_PROXIES:
        return [
            checks.Warning(
                f"CLIENT_IP_HEADER is {header} but TRUSTED_PROXIES is empty: the header is "
                "ignored and every client is known by its socket address (behind a proxy, "
                "the proxy's: one failed sign-in count and one comment limit for everyone).",
                hint="Set TRUSTED_PROXIES to the proxy's address or network (README, 'Security').",
                id="minsheng.W001",
            )
        ]
    return []
