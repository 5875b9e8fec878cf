"""How the OpenAPI document spells things the PWA's generated types depend on."""

from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter


class NullableRefConverter(OpenAPIConverter):
    """A nullable nested schema as `allOf: [$ref]` + `nullable: true` (OpenAPI 3.0).

    apispec writes `anyOf: [{type: object, nullable: true}, $ref]`, which type generators
    read as "an empty object, null or the schema"; this says "the schema or null".
    """

    def field2nullable(self, field, ret) -> dict:
        if field.allow_none and self.openapi_version.major == 3 and self.openapi_version.minor == 0:
            if "$ref" in ret:
                return {"allOf": [{"$ref": ret.pop("$ref")}], "nullable": True}
            if "allOf" in ret:
                return {"nullable": True}
        return super().field2nullable(field, ret)


class LinliMarshmallowPlugin(MarshmallowPlugin):
    Converter = NullableRefConverter


def enum_path_parameter(name: str, values, description: str = "") -> dict:
    """Document a path segment as one of `values` (the view still answers unknown ones)."""
    param = {"in": "path", "name": name, "required": True,
             "schema": {"type": "string", "enum": [str(v) for v in values]}}
    if description:
        param["description"] = description
    return param
