"""The floor of token verification: the cryptography library's RSA verify in a loop.

Usage: ``python floor_verify.py TOKENS JWKS``. Imports the JWKS key once, then for
each token decodes the header (for the ``kid``) and the signature and calls
``RSAPublicKey.verify``. Prints the loop's own seconds (imports and key loading
excluded) on stdout; exits 1 when a signature does not verify.
"""

from __future__ import annotations

import base64
import json
import sys
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def main(tokens_path: str, jwks_path: str) -> int:
    with open(jwks_path, encoding="utf-8") as fh:
        jwks = json.load(fh)
    keys = {
        k["kid"]: rsa.RSAPublicNumbers(
            int.from_bytes(b64url(k["e"]), "big"), int.from_bytes(b64url(k["n"]), "big")
        ).public_key()
        for k in jwks["keys"]
    }
    with open(tokens_path, encoding="utf-8") as fh:
        tokens = [line.strip() for line in fh if line.strip()]
    start = time.perf_counter()
    for token in tokens:
        header_b64, payload_b64, signature_b64 = token.split(".")
        kid = json.loads(b64url(header_b64))["kid"]
        keys[kid].verify(
            b64url(signature_b64),
            f"{header_b64}.{payload_b64}".encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    print(f"{time.perf_counter() - start:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
