#!/usr/bin/env python3
"""Regenerates the loss section of openapi.yaml from a running lossd.

    python3 .ci/gen_openapi_losses.py http://127.0.0.1:8080      # fetch GET /v1/losses
    python3 .ci/gen_openapi_losses.py catalog.json               # or read a saved catalog

Rewrites the lines between `# BEGIN GENERATED: losses` and `# END GENERATED: losses` in
openapi.yaml (the `LossName` enum and one `<PascalName>Params` schema per loss). The binary
serves openapi.yaml itself: the EmbedOpenAPI build-tool plugin (Plugins/) compiles it in at
build time, so there is no copy to regenerate. OpenAPISpecTests fails when the block drifts
from LossRegistry.standard; run this script and commit openapi.yaml to fix it.

Only the standard library is used, so it runs with any python3.
"""
import json
import pathlib
import sys
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
BEGIN = "    # BEGIN GENERATED: losses (.ci/gen_openapi_losses.py; do not edit by hand)\n"
END = "    # END GENERATED: losses\n"


def load_catalog(source):
    if source.startswith("http://") or source.startswith("https://"):
        with urllib.request.urlopen(source.rstrip("/") + "/v1/losses", timeout=10) as reply:
            return json.load(reply)["losses"]
    return json.loads(pathlib.Path(source).read_text())["losses"]


def pascal(name):
    """`bce_with_logits` -> `BceWithLogits`; the schema is `BceWithLogitsParams`."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def scalar(value):
    """A YAML scalar. Strings use JSON quoting (valid YAML); floats always carry a dot so
    YAML 1.1 readers (Yams) see a float, not a string, in `1e-08`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value == int(value) and abs(value) < 2**53:
            return str(int(value))
        text = repr(value)
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exponent = text.split("e")
            text = mantissa + ".0e" + exponent
        return text
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    raise TypeError(f"unexpected value {value!r}")


BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def parameter_lines(parameter):
    kind = parameter["type"]
    types = {"array": ["array", "number", "null"]}.get(kind, [kind, "null"])
    lines = [f"        {parameter['name']}:",
             f"          description: {scalar(parameter['summary'])}",
             f"          type: {scalar(types)}"]
    bounds = [f"          {key}: {scalar(parameter[key])}" for key in BOUNDS if key in parameter]
    if kind == "array":
        lines.append("          items:")
        lines.append("            type: number")
        lines += ["  " + line for line in bounds]
    lines += bounds
    if "enum" in parameter:
        lines.append(f"          enum: {scalar(parameter['enum'] + [None])}")
    lines.append(f"          default: {scalar(parameter.get('default'))}")
    return lines


def loss_lines(loss):
    lines = [f"    {pascal(loss['name'])}Params:",
             f"      title: {scalar(loss['name'] + ' parameters')}",
             f"      description: {scalar(loss['summary'])}",
             "      type: object",
             "      additionalProperties: false",
             f"      x-loss-name: {scalar(loss['name'])}",
             f"      x-aliases: {scalar(loss['aliases'])}",
             f"      x-formula: {scalar(loss['formula'])}",
             "      x-inputs:"]
    for tensor in loss["inputs"]:
        lines.append(f"        - {{name: {scalar(tensor['name'])}, dtypes: {scalar(tensor['dtypes'])}, "
                     f"required: {scalar(tensor['required'])}}}")
    lines.append("      properties:" if loss["parameters"] else "      properties: {}")
    for parameter in loss["parameters"]:
        lines += parameter_lines(parameter)
    return lines


def generated_section(losses):
    names = [name for loss in losses for name in [loss["name"]] + loss["aliases"]]
    lines = ["    LossName:",
             "      description: A loss name or alias (GET /v1/losses lists them).",
             "      type: string",
             "      enum:"]
    lines += [f"        - {scalar(name)}" for name in names]
    for loss in losses:
        lines += loss_lines(loss)
    return "".join(line + "\n" for line in lines)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    spec = SPEC.read_text()
    try:
        head, rest = spec.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise SystemExit("openapi.yaml lacks the GENERATED markers")
    spec = head + BEGIN + generated_section(load_catalog(sys.argv[1])) + END + tail
    SPEC.write_text(spec)
    print(f"wrote {SPEC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
