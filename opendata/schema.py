"""What drf-spectacular cannot see in the views: the answers every operation may give
besides 200, so that a client (and schemathesis, in the tests) knows each one."""

ERROR = {
    "type": "object",
    "description": "What went wrong: `detail`, or each refused filter with its messages.",
    "additionalProperties": True,
}
ANSWERS = {
    "304": {"description": "Not Modified: the copy named by If-None-Match is current."},
    "400": {
        "description": "A filter value that cannot be used, named with what is wrong.",
        "content": {"application/json": {"schema": ERROR}},
    },
    "404": {
        "description": "No such record, or no such page of the list.",
        "content": {"application/json": {"schema": ERROR}},
    },
    "429": {
        "description": "Too many requests from this client; Retry-After says when to ask again.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": ERROR}},
    },
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation's other answers."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for status, answer in ANSWERS.items():
                operation["responses"].setdefault(status, answer)
    return result
