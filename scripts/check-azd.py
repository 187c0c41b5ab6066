#!/usr/bin/env python3
"""Checks the azd project offline: azure.yaml parses and names what exists, and every azd environment value a hook
reads is an output of infra/main.bicep (azd puts the template's outputs into the environment the hooks run in).
The published azure.yaml JSON schema cannot be fetched on these machines; this checks the parts the project relies on."""
import json
import pathlib
import re
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
errors = []
doc = yaml.safe_load((root / "azure.yaml").read_text(encoding="utf-8"))

if not isinstance(doc.get("name"), str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", doc["name"]):
    errors.append("name: lowercase letters, digits and hyphens")

infra = doc.get("infra", {})
template = root / infra.get("path", "infra") / (infra.get("module", "main") + ".bicep")
if infra.get("provider", "bicep") != "bicep" or not template.is_file():
    errors.append(f"infra: {template.relative_to(root)} not found")

services = doc.get("services") or {}
if not services:
    errors.append("services: none")
for name, service in services.items():
    project = root / service.get("project", "")
    if not project.is_dir() or not list(project.glob("*.csproj")):
        errors.append(f"services.{name}.project: no .csproj in {service.get('project')}")
    if service.get("language") != "dotnet":
        errors.append(f"services.{name}.language: expected dotnet")
    if service.get("host") != "function":
        errors.append(f"services.{name}.host: expected function")

bicep = template.read_text(encoding="utf-8") if template.is_file() else ""
outputs = set(re.findall(r"^output\s+(\w+)\s", bicep, re.MULTILINE))
app_bicep = (root / infra.get("path", "infra") / "modules" / "functionApp.bicep").read_text(encoding="utf-8")
for name in services:
    if f"serviceName string = '{name}'" not in app_bicep:
        errors.append(f"services.{name}: no resource tagged azd-service-name '{name}' in infra/modules/functionApp.bicep")
    if f"SERVICE_{name.upper()}_NAME" not in outputs:
        errors.append(f"services.{name}: infra/main.bicep has no output SERVICE_{name.upper()}_NAME")

for hook, shells in (doc.get("hooks") or {}).items():
    for shell, spec in shells.items():
        script = root / spec["run"]
        if not script.is_file():
            errors.append(f"hooks.{hook}.{shell}.run: {spec['run']} not found")
            continue
        for var in sorted(set(re.findall(r"\$\{(AZURE_\w+|SERVICE_\w+)", script.read_text(encoding="utf-8")))):
            if var not in outputs:
                errors.append(f"hooks.{hook}: {spec['run']} reads {var}, which infra/main.bicep does not output")

parameters = (root / infra.get("path", "infra") / "main.parameters.json").read_text(encoding="utf-8")
params_declared = set(re.findall(r"^param\s+(\w+)\s", bicep, re.MULTILINE))
for param in json.loads(parameters)["parameters"]:
    if param not in params_declared:
        errors.append(f"main.parameters.json: {param} is not a parameter of infra/main.bicep")

for e in errors:
    print("azure.yaml check:", e)
print("azure.yaml check:", "FAILED" if errors else f"ok ({len(services)} service, {len(outputs)} outputs)")
sys.exit(1 if errors else 0)
