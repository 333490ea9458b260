"""JSON-RPC error codes, as geth uses them."""

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_ERROR = -32000          # geth's generic error for failed calls
LIMIT_EXCEEDED = -32005        # providers' "query returned more than N results"
EXECUTION_REVERTED = 3         # geth: execution reverted, revert data in `data`
RATE_LIMITED = 429             # providers' JSON-RPC rate-limit code


class RpcError(Exception):
    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self):
        err = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err
