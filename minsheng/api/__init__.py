"""What every part of the REST API (``/api/v1/``) shares.

- ``errors``: one JSON shape for every error, ``{"code", "message", "fields"}``;
- ``serializers``: write serializers that refuse fields they do not know;
- ``permissions``: reads for everyone, writes for signed-in staff with the model permission;
- ``throttles``: request rates per client, read from the settings on each request;
- ``pagination``: numbered pages;
- ``conditional``: ETag on every successful read, and 304 for a client that has it already;
- ``schema``: the OpenAPI description (drf-spectacular) with the error answers of each operation;
- ``views``: the API root, tokens, and a JSON 404 for any other address under ``/api/``.
"""
