"""kiwoom-codegen: Kiwoom REST API spec workbooks -> typed model -> Python client and OpenAPI."""

__version__ = "0.1.0"
