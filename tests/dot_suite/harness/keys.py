"""Two RSA keys for DOT's OIDC settings, generated once per run (DOT's tests sign ID
tokens of their own with ``OIDC_RSA_PRIVATE_KEY``)."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()


PRIVATE_PEM = _pem()
INACTIVE_PEM = _pem()
