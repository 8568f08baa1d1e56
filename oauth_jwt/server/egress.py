"""Where the hub may send a request whose address a client chose for itself.

A client that registered itself (RFC 7591, or a client ID metadata document) is anyone
on the internet: the addresses it gives the hub to call (today its back-channel logout
URI) must not make the hub reach its own network. Such a URL is ``https`` with a host
name or a public IP, no user name or password, no fragment; at send time every address
its host resolves to must be public, or nothing is sent. (A name that resolves to a
public address when checked and to an internal one when connected is not ruled out;
the request carries only a logout token and its answer is never read beyond the status.)

URIs staff typed in the admin are not held to this.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from ..links import safe_link

NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
LOCAL_NAMES = ("localhost", "localhost.localdomain")


def is_public_address(text: str) -> bool:
    """A globally routable IP, judging the IPv4 address inside IPv6 forms that carry one."""
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None:
            return all(part.is_global for part in ip.teredo)
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return ip.is_global


def may_be_public_https(url: str) -> bool:
    """What a self-registered client may give: a link people may follow (``links``), and
    more: https, no fragment, a port in range, and a host that is not local."""
    if not safe_link(url):  # https (or loopback http) with a host, no credentials or spaces
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    if parts.scheme != "https" or parts.fragment:
        return False
    host = parts.hostname
    host = host.rstrip(".").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True  # a name: judged when it is resolved, at send time
    return is_public_address(host)


def resolves_to_public(url: str) -> bool:
    """Every address ``url``'s host resolves to is public (and there is one)."""
    if not may_be_public_https(url):
        return False
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = [info[4][0] for info in infos]
    return bool(addresses) and all(is_public_address(address) for address in addresses)
