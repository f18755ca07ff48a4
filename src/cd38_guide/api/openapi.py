"""Print the API's OpenAPI document: ``python -m cd38_guide.api.openapi > docs/openapi.json`` (a test compares)."""

from __future__ import annotations

import json
import sys


def document() -> dict:
    """The OpenAPI document of the standalone app (it does not depend on the loaded index)."""
    from cd38_guide.api.app import create_app

    return create_app().openapi()


def main() -> int:
    sys.stdout.write(json.dumps(document(), indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
