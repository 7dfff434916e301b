"""The building blocks of a bundle's Table Schemas, and how they become Frictionless descriptors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FORMAT = "cairn-bundle/1"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Frictionless Table Schema type: string, integer, boolean, date, datetime
    description: str
    required: bool = False
    enum: tuple[str, ...] | tuple[int, ...] | None = None

    def descriptor(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "description": self.description,
        }
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if constraints:
            described["constraints"] = constraints
        return described


@dataclass(frozen=True)
class ForeignKey:
    field: str
    resource: str
    reference: str


@dataclass(frozen=True)
class ResourceSchema:
    """One CSV file of a bundle: its fields, keys and the words used to document it."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(described.name for described in self.fields)

    def schema_descriptor(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "fields": [described.descriptor() for described in self.fields],
            "primaryKey": list(self.primary_key),
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": [key.field],
                    "reference": {"resource": key.resource, "fields": [key.reference]},
                }
                for key in self.foreign_keys
            ]
        return schema

    def descriptor(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "path": self.path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": self.schema_descriptor(),
        }


# Short constructors keep the resource lists readable.
def text(name: str, description: str, *, required: bool = False) -> Field:
    return Field(name, "string", description, required)


def choice(name: str, description: str, values: tuple[str, ...], *, required: bool = True) -> Field:
    return Field(name, "string", description, required, values)


def integer(name: str, description: str, *, required: bool = False) -> Field:
    return Field(name, "integer", description, required)


def flag(name: str, description: str) -> Field:
    return Field(name, "boolean", description, True)


def day(name: str, description: str, *, required: bool = False) -> Field:
    return Field(name, "date", description, required)


def moment(name: str, description: str, *, required: bool = False) -> Field:
    return Field(name, "datetime", description, required)


def identifier(name: str, description: str) -> Field:
    return Field(name, "string", description, True)


def package_descriptor(
    *,
    name: str,
    title: str,
    description: str,
    synthetic: bool,
    resources: list[ResourceSchema],
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "synthetic": synthetic,
        "cairn:format": FORMAT,
        "licenses": [
            {
                "name": "CC0-1.0",
                "path": "https://creativecommons.org/publicdomain/zero/1.0/",
                "title": "CC0 1.0",
            }
        ]
        if synthetic
        else [],
        "resources": [resource.descriptor() for resource in resources],
    }
    if extra:
        descriptor.update(extra)
    if not descriptor["licenses"]:
        del descriptor["licenses"]
    return descriptor
