#!/usr/bin/env python3
"""Generate src/model/model_gen.c from the SageMaker service model.

Usage:
    python3 tools/gen_model.py [--model PATH] [--output PATH] [--check]

Input (first that exists, unless --model is given):
  1. ../shared/aws-model/sagemaker-automl.json (the project's facts file),
  2. botocore's data/sagemaker/2017-07-24/service-2.json(.gz) from the
     botocore importable by this Python.
Both are in botocore's service-2.json form.

The output keeps the five AutoML (V1) operations and every shape reachable
from their inputs, outputs and errors; documentation is dropped. The output
is a pure function of the model facts (sorted shapes, members, patterns), so
regenerating from the same model gives the same bytes. --check compares
instead of writing and exits 1 when the committed file is stale.
"""

import argparse
import gzip
import hashlib
import json
import os
import re
import sys

OPERATIONS = [
    "CreateAutoMLJob",
    "DescribeAutoMLJob",
    "StopAutoMLJob",
    "ListAutoMLJobs",
    "ListCandidatesForAutoMLJob",
]

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_MODEL = os.path.join(REPO, "..", "shared", "aws-model", "sagemaker-automl.json")
DEFAULT_OUTPUT = os.path.join(REPO, "src", "model", "model_gen.c")

SHAPE_TYPES = {
    "structure": "SMK_SHAPE_STRUCTURE",
    "list": "SMK_SHAPE_LIST",
    "map": "SMK_SHAPE_MAP",
    "string": "SMK_SHAPE_STRING",
    "integer": "SMK_SHAPE_INTEGER",
    "long": "SMK_SHAPE_LONG",
    "float": "SMK_SHAPE_FLOAT",
    "double": "SMK_SHAPE_DOUBLE",
    "boolean": "SMK_SHAPE_BOOLEAN",
    "timestamp": "SMK_SHAPE_TIMESTAMP",
    "blob": "SMK_SHAPE_BLOB",
}

# Shape keys that carry facts we use, and keys we knowingly ignore. Anything
# else stops the generator: a new trait must be looked at, not dropped.
USED_KEYS = {"type", "min", "max", "pattern", "enum", "members", "required", "member", "key",
             "value"}
IGNORED_KEYS = {"documentation", "box", "exception", "error", "fault", "sensitive", "deprecated",
                "deprecatedMessage", "_smithyErrorTrait"}
MEMBER_KEYS = {"shape", "box", "documentation", "deprecated", "deprecatedMessage"}

MAX_MEMBERS = 64  # SMK_SHAPE_MAX_MEMBERS in src/model/shape.h


def fail(msg):
    sys.stderr.write("gen_model.py: %s\n" % msg)
    sys.exit(2)


def botocore_model():
    """Path of the installed botocore's SageMaker model, and its version."""
    try:
        import botocore  # noqa: PLC0415 (optional dependency)
    except ImportError:
        return None, None
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "sagemaker", "2017-07-24")
    for name in ("service-2.json", "service-2.json.gz"):
        path = os.path.join(base, name)
        if os.path.exists(path):
            return path, getattr(botocore, "__version__", "unknown")
    return None, None


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def source_version(model, path, botocore_version):
    """Which botocore release the model facts come from, as far as known."""
    if botocore_version:
        return "botocore " + botocore_version
    src = model.get("_source")
    if isinstance(src, dict):
        # The facts file names its constraint source under this key; other
        # keys mention older releases kept for history only.
        text = json.dumps(src.get("shapes_constraints_http_errors", src), sort_keys=True)
        m = re.search(r"botocore (\d+\.\d+\.\d+)", text)
        if m:
            return "botocore " + m.group(1)
    return "unknown version"


def reachable(model):
    shapes = model["shapes"]
    seen = set()

    def walk(name):
        if name in seen:
            return
        if name not in shapes:
            fail("shape %s is referenced but not defined" % name)
        seen.add(name)
        s = shapes[name]
        for m in s.get("members", {}).values():
            walk(m["shape"])
        for k in ("member", "key", "value"):
            if k in s:
                walk(s[k]["shape"])

    for op in OPERATIONS:
        if op not in model["operations"]:
            fail("operation %s not in the model" % op)
        o = model["operations"][op]
        for k in ("input", "output"):
            if k in o:
                walk(o[k]["shape"])
        for e in o.get("errors", []):
            walk(e["shape"])
    return sorted(seen)


def subset(model, names):
    """The facts the generated tables depend on, in canonical form."""
    meta_keys = ("apiVersion", "endpointPrefix", "jsonVersion", "protocol", "signingName",
                 "targetPrefix", "uid")
    out = {"metadata": {k: model["metadata"].get(k) for k in meta_keys}, "operations": {},
           "shapes": {}}
    for op in OPERATIONS:
        o = model["operations"][op]
        out["operations"][op] = {
            "input": o.get("input", {}).get("shape"),
            "output": o.get("output", {}).get("shape"),
            "errors": [e["shape"] for e in o.get("errors", [])],
        }
    for n in names:
        s = model["shapes"][n]
        for k in s:
            if k not in USED_KEYS and k not in IGNORED_KEYS:
                fail("shape %s has trait %r this generator does not handle" % (n, k))
        if s["type"] not in SHAPE_TYPES:
            fail("shape %s has type %r this generator does not handle" % (n, s["type"]))
        f = {k: s[k] for k in USED_KEYS if k in s and k not in ("members", "member", "key",
                                                                 "value", "required")}
        if "members" in s:
            req = set(s.get("required", []))
            for r in req:
                if r not in s["members"]:
                    fail("shape %s requires unknown member %s" % (n, r))
            members = {}
            for mn, mm in s["members"].items():
                for k in mm:
                    if k not in MEMBER_KEYS:
                        fail("member %s.%s has trait %r this generator does not handle"
                             % (n, mn, k))
                members[mn] = {"shape": mm["shape"], "required": mn in req}
            f["members"] = members
        for k in ("member", "key", "value"):
            if k in s:
                f[k] = s[k]["shape"]
        out["shapes"][n] = f
    return out


def digest(facts):
    text = json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def c_string(s):
    """A C string literal for `s` (UTF-8), escaping all but printable ASCII."""
    out = ['"']
    prev = ""
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F and not (c == "?" and prev == "?"):  # no "??" trigraphs
            out.append(c)
        else:
            out.append("\\%03o" % b)
        prev = c
    out.append('"')
    return "".join(out)


def snake_name(op):
    """CreateAutoMLJob -> create_auto_ml_job (boto3's method names)."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", op)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return s.lower()


# A pattern that is a single character class repeated: "[...]*", "[...]+",
# ".*", optionally inside one capturing group. Escapes inside the class are
# skipped as pairs so that "\]" does not end it.
CLASS_REPEAT = re.compile(r"^(\()?(\.|\[(?:\\.|[^\]\\])+\])([*+])(\))?$")


def class_repeat(pattern):
    m = CLASS_REPEAT.match(pattern)
    if not m or bool(m.group(1)) != bool(m.group(4)):
        return 0
    return 1 if m.group(3) == "*" else 2


HASH_BITS = 6  # a structure's member index has 2**HASH_BITS slots


def member_slot(name, mult):
    """Slot of a member name; the same arithmetic as smk_shape_member_find."""
    b = name.encode("utf-8")
    n = len(b)
    k = b[0] | (b[n // 2] << 8) | (b[n - 1] << 16) | ((n & 0xFF) << 24)
    return ((k * mult) & 0xFFFFFFFF) >> (32 - HASH_BITS)


def member_index(names):
    """A multiplier that gives every member its own slot, and the slots
    (member index + 1, 0 for none); (0, None) when no multiplier is found
    (lookups then scan). Deterministic: the first odd multiplier that works."""
    for i in range(200000):
        mult = (0x9E3779B1 + 2 * i) & 0xFFFFFFFF
        slots = [0] * (1 << HASH_BITS)
        for idx, name in enumerate(names):
            h = member_slot(name, mult)
            if slots[h]:
                break
            slots[h] = idx + 1
        else:
            return mult, slots
    return 0, None


def c_int(v):
    v = int(v)
    if not -(2 ** 63) <= v < 2 ** 63:
        fail("bound %r does not fit in int64" % v)
    if v == -(2 ** 63):
        return "INT64_MIN"
    return "INT64_C(%d)" % v


def c_double(v):
    r = repr(float(v))
    if "e" not in r and "." not in r and "inf" not in r and "nan" not in r:
        r += ".0"
    return r


def generate(model, path, version):
    names = reachable(model)
    facts = subset(model, names)
    shapes = facts["shapes"]
    index = {n: i for i, n in enumerate(names)}
    meta = facts["metadata"]
    for k in ("signingName", "endpointPrefix", "targetPrefix", "jsonVersion", "apiVersion",
              "uid"):
        if not meta.get(k):
            fail("metadata.%s missing" % k)
    if meta["protocol"] != "json":
        fail("protocol %r is not json" % meta["protocol"])

    patterns = sorted({s["pattern"] for s in shapes.values() if "pattern" in s})
    pindex = {p: i for i, p in enumerate(patterns)}

    w = []
    w.append("/*")
    w.append(" * GENERATED FILE - DO NOT EDIT. The service model as C tables (see model/shape.h).")
    w.append(" *")
    w.append(" * Generated by: python3 tools/gen_model.py")
    w.append(" * Model:        %s (apiVersion %s), from %s" % (meta["uid"], meta["apiVersion"],
                                                            version))
    w.append(" * Input file:   %s" % os.path.basename(path))
    w.append(" * Facts sha256: %s" % digest(facts))
    w.append(" *               (canonical JSON of the operations and shapes below; equal")
    w.append(" *               digests mean equal tables whatever file they came from)")
    w.append(" * Operations:   %s" % ", ".join(OPERATIONS))
    w.append(" * Contents:     %d shapes reachable from their inputs, outputs and errors; %d patterns"
             % (len(names), len(patterns)))
    w.append(" */")
    w.append("#include <stddef.h>")
    w.append("#include <stdint.h>")
    w.append("")
    w.append('#include "model/shape.h"')
    w.append("")
    w.append("enum {")
    for n in names:
        w.append("    SH_%s," % n)
    w.append("    SH__COUNT")
    w.append("};")
    w.append("")
    w.append("const struct smk_pattern smk_model_patterns[] = {")
    for p in patterns:
        w.append("    {%s, %d}," % (c_string(p), class_repeat(p)))
    w.append("};")
    w.append("const size_t smk_model_pattern_count = %d;" % len(patterns))
    w.append("")

    for n in names:
        s = shapes[n]
        if "enum" in s:
            w.append("static const struct smk_name enum_%s[] = {" % n)
            for e in s["enum"]:
                w.append("    {%s, %d}," % (c_string(e), len(e.encode("utf-8"))))
            w.append("};")
        if "members" in s:
            members = sorted(s["members"].items(), key=lambda kv: kv[0].encode("utf-8"))
            if len(members) > MAX_MEMBERS:
                fail("structure %s has %d members (max %d)" % (n, len(members), MAX_MEMBERS))
            if members:
                mult, slots = member_index([mn for mn, _ in members])
                if slots:
                    w.append("static const unsigned char slots_%s[%d] = {%s};" % (
                        n, len(slots), ", ".join(str(x) for x in slots)))
                w.append("static const struct smk_shape_member members_%s[] = {" % n)
                for mn, mm in members:
                    w.append("    {{%s, %d}, &smk_model_shapes[SH_%s], %d}," % (
                        c_string(mn), len(mn.encode("utf-8")), mm["shape"],
                        1 if mm["required"] else 0))
                w.append("};")
    w.append("")

    w.append("const struct smk_shape smk_model_shapes[] = {")
    for n in names:
        s = shapes[n]
        t = s["type"]
        fields = [".name = %s" % c_string(n), ".type = %s" % SHAPE_TYPES[t]]
        is_float = t in ("float", "double")
        if "min" in s:
            fields.append(".has_min = 1")
            fields.append((".fmin = %s" % c_double(s["min"])) if is_float
                          else (".min = %s" % c_int(s["min"])))
        if "max" in s:
            fields.append(".has_max = 1")
            fields.append((".fmax = %s" % c_double(s["max"])) if is_float
                          else (".max = %s" % c_int(s["max"])))
        fields.append(".pattern = %d" % (pindex[s["pattern"]] if "pattern" in s else -1))
        if "enum" in s:
            fields.append(".enum_values = enum_%s" % n)
            fields.append(".n_enum = %d" % len(s["enum"]))
        if s.get("members"):
            fields.append(".members = members_%s" % n)
            fields.append(".n_members = %d" % len(s["members"]))
            names_sorted = sorted(s["members"], key=lambda k: k.encode("utf-8"))
            mask = 0
            for i, mn in enumerate(names_sorted):
                if s["members"][mn]["required"]:
                    mask |= 1 << i
            if mask:
                fields.append(".required_mask = UINT64_C(0x%x)" % mask)
            mult, slots = member_index(names_sorted)
            if slots:
                fields.append(".hash_mult = UINT32_C(0x%08x)" % mult)
                fields.append(".member_slots = slots_%s" % n)
        if "member" in s:
            fields.append(".member = &smk_model_shapes[SH_%s]" % s["member"])
        if "key" in s:
            fields.append(".key = &smk_model_shapes[SH_%s]" % s["key"])
            fields.append(".value = &smk_model_shapes[SH_%s]" % s["value"])
        w.append("    [SH_%s] = {%s}," % (n, ", ".join(fields)))
    w.append("};")
    w.append("const size_t smk_model_shape_count = SH__COUNT;")
    w.append("")

    w.append("const struct smk_operation smk_model_operations[] = {")
    for op in sorted(OPERATIONS):
        o = facts["operations"][op]
        out = "&smk_model_shapes[SH_%s]" % o["output"] if o["output"] else "NULL"
        w.append("    {%s, %s, %s, &smk_model_shapes[SH_%s], %s}," % (
            c_string(op), c_string(snake_name(op)), c_string(meta["targetPrefix"] + "." + op),
            o["input"], out))
    w.append("};")
    w.append("const size_t smk_model_operation_count = %d;" % len(OPERATIONS))
    w.append("")
    w.append("const struct smk_service_info smk_model_service = {")
    w.append("    .signing_name = %s," % c_string(meta["signingName"]))
    w.append("    .endpoint_prefix = %s," % c_string(meta["endpointPrefix"]))
    w.append("    .target_prefix = %s," % c_string(meta["targetPrefix"]))
    w.append("    .content_type = %s," % c_string("application/x-amz-json-" + meta["jsonVersion"]))
    w.append("    .api_version = %s," % c_string(meta["apiVersion"]))
    w.append("};")
    return "\n".join(w) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="service model (botocore service-2.json form, .gz allowed)")
    ap.add_argument("--output", default=DEFAULT_OUTPUT)
    ap.add_argument("--check", action="store_true",
                    help="compare with --output instead of writing; exit 1 when different")
    args = ap.parse_args()

    version = None
    path = args.model
    if path is None:
        if os.path.exists(SHARED_MODEL):
            path = os.path.normpath(SHARED_MODEL)
        else:
            path, version = botocore_model()
            if path is None:
                fail("no model: pass --model, or install botocore")
    if version is None:
        bpath, bversion = botocore_model()
        if bpath is not None and os.path.realpath(bpath) == os.path.realpath(path):
            version = bversion
    model = load(path)
    text = generate(model, path, source_version(model, path, version))

    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                current = f.read()
        except OSError:
            current = None
        if current != text:
            sys.stderr.write("gen_model.py: %s is stale; regenerate it\n" % args.output)
            return 1
        return 0
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
