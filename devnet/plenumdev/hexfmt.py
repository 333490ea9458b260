"""Hex encoding and decoding in the forms geth uses on JSON-RPC."""

from .errors import RpcError, INVALID_PARAMS


def q(n):
    """Quantity: 0x-prefixed, lower case, no leading zeros, "0x0" for zero."""
    return hex(int(n))


def b(data):
    """Unformatted data: 0x-prefixed, two hex digits per byte ("0x" when empty)."""
    return "0x" + bytes(data).hex()


def b32(x):
    if isinstance(x, int):
        return "0x" + x.to_bytes(32, "big").hex()
    return "0x" + bytes(x).rjust(32, b"\0").hex()


def bloom(x):
    if isinstance(x, int):
        return "0x" + x.to_bytes(256, "big").hex()
    return "0x" + bytes(x).hex()


def addr(a):
    if a is None or a == b"":
        return None
    return "0x" + bytes(a).hex()


def parse_quantity(v, what="quantity"):
    if isinstance(v, bool):
        raise RpcError(INVALID_PARAMS, f"invalid argument: {what} must be a hex string")
    if isinstance(v, int):
        if v < 0:
            raise RpcError(INVALID_PARAMS, f"invalid argument: negative {what}")
        return v
    if not isinstance(v, str):
        raise RpcError(INVALID_PARAMS, f"invalid argument: {what} must be a hex string")
    if not (v.startswith("0x") or v.startswith("0X")):
        raise RpcError(INVALID_PARAMS, f"invalid argument: hex string without 0x prefix")
    digits = v[2:]
    if digits == "":
        raise RpcError(INVALID_PARAMS, f"invalid argument: hex string \"0x\"")
    try:
        return int(digits, 16)
    except ValueError:
        raise RpcError(INVALID_PARAMS, f"invalid argument: invalid hex string") from None


def parse_data(v, what="data", length=None):
    if not isinstance(v, str) or not (v.startswith("0x") or v.startswith("0X")):
        raise RpcError(INVALID_PARAMS, f"invalid argument: {what} must be a 0x-prefixed hex string")
    digits = v[2:]
    if len(digits) % 2:
        raise RpcError(INVALID_PARAMS, f"invalid argument: {what} has odd length")
    try:
        out = bytes.fromhex(digits)
    except ValueError:
        raise RpcError(INVALID_PARAMS, f"invalid argument: {what} is not valid hex") from None
    if length is not None and len(out) != length:
        raise RpcError(INVALID_PARAMS,
                       f"invalid argument: hex string has length {len(digits)}, want {2 * length} for {what}")
    return out


def parse_address(v, what="address"):
    return parse_data(v, what, 20)


def parse_hash(v, what="hash"):
    return parse_data(v, what, 32)
