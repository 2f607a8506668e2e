import hashlib
import hmac
import time


def verify_voisnap_signature(secret: str, signature_header: str, body: bytes, tolerance_seconds: int = 300) -> bool:
    """Verifies a Voisnap webhook: the Voisnap-Signature header, the raw body, the endpoint's secret."""
    parts = [part.split("=", 1) for part in signature_header.split(",") if "=" in part]
    timestamps = [value for key, value in parts if key == "t"]
    if not timestamps or not timestamps[0].isdigit() or abs(time.time() - int(timestamps[0])) > tolerance_seconds:
        return False
    signed = timestamps[0].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, value) for key, value in parts if key == "v1")


if __name__ == "__main__":
    import sys

    # Used by the project's tests: secret, header and body file on the command line.
    secret, header, body_path = sys.argv[1:4]
    with open(body_path, "rb") as body_file:
        sys.exit(0 if verify_voisnap_signature(secret, header, body_file.read()) else 1)
