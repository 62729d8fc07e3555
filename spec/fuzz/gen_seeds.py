#!/usr/bin/env python3
"""Write the hand-made seed inputs of the fuzz targets to spec/fuzz/corpus/.

Each seed is named after what it exercises. The byte formats are described
at the top of each fuzz_*.c; the opcodes and the dictionary of
fuzz_lua_request are read from its source so that they cannot drift.

    python3 spec/fuzz/gen_seeds.py            # (re)write the hand-made seeds
"""
import ast
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


# ---- fuzz_lua_request ---------------------------------------------------------

def _lua_source():
    with open(os.path.join(HERE, "fuzz_lua_request.c"), encoding="utf-8") as f:
        return f.read()


def _opcodes(src):
    body = src[src.index("enum {\n    OP_STR_DICT"):]
    body = body[: body.index("OP_COUNT")]
    names = re.findall(r"\b(OP_[A-Z_]+)\b", body)
    return {n: i for i, n in enumerate(names)}


def _dictionary(src):
    body = src[src.index("static const struct dict_entry dict[] = {"):]
    body = body[: body.index("\n};")]
    out = []
    for lit in re.findall(r'D\(("(?:[^"\\]|\\.)*")\)', body):
        # C escapes used in the table are a subset of Python's bytes escapes.
        out.append(ast.literal_eval("b" + lit))
    return out


SRC = _lua_source()
OP = _opcodes(SRC)
DICT = _dictionary(SRC)
DICT_MEMBERS = int(re.search(r"#define DICT_MEMBERS (\d+)", SRC).group(1))
FLAG_BUILD, FLAG_SMALL_ARENA, FLAG_BIG_ARENA = 1, 2, 4
ARENA_FOR_UNSORTED = 65  # arena of 64 * 66 bytes: room for 6 of the 12 issues
OPS = {"create": 0, "describe": 4, "list": 5, "list_candidates": 6, "stop": 7}


class Prog:
    """Builds one fuzz_lua_request input."""

    def __init__(self, op="create", flags=0, arena=None, time_sel=None):
        self.b = bytearray([OPS[op], flags])
        if flags & FLAG_SMALL_ARENA:
            self.b.append(arena or 0)
        if flags & FLAG_BUILD:
            self.b.append(time_sel or 0)

    def _op(self, name, *operands):
        self.b.append(OP[name])
        self.b.extend(operands)
        return self

    def key(self, name):
        name = name.encode() if isinstance(name, str) else name
        i = DICT.index(name) if name in DICT else None
        if i is not None and i < DICT_MEMBERS:
            self.b.append(i)
        elif i is not None and any(k % len(DICT) == i for k in range(168, 0xF0)):
            self.b.append(next(k for k in range(168, 0xF0) if k % len(DICT) == i))
        else:
            self.b.extend([0xF0, len(name)])
            self.b.extend(name)
        return self

    def s(self, text):
        text = text.encode() if isinstance(text, str) else text
        if text in DICT:
            return self._op("OP_STR_DICT", DICT.index(text))
        return self._op("OP_STR_RAW", len(text), *text)

    def big(self, unit, count):
        return self._op("OP_STR_BIG", unit, count)

    def i(self, v):
        return self._op("OP_INT", 2, *struct.pack(">q", v))

    def f(self, v):
        return self._op("OP_FLOAT", 1, *struct.pack(">Q", struct.unpack("<Q", struct.pack("<d", v))[0]))

    def boolean(self, v):
        return self._op("OP_BOOL", 1 if v else 0)

    def nil(self):
        return self._op("OP_NIL")

    def other(self, sel):
        return self._op("OP_OTHER", sel)

    def set(self, name):
        self._op("OP_SET_FIELD")
        return self.key(name)

    def append(self):
        return self._op("OP_APPEND")

    def set_int(self, sel):
        return self._op("OP_SET_INT", sel)

    def set_odd(self, sel):
        return self._op("OP_SET_ODD", sel)

    def open(self, name):
        self._op("OP_OPEN_FIELD")
        return self.key(name)

    def open_item(self):
        return self._op("OP_OPEN_ITEM")

    def close(self):
        return self._op("OP_CLOSE")

    def descend(self, name):
        self._op("OP_DESCEND")
        return self.key(name)

    def descend_ix(self, i):
        return self._op("OP_DESCEND_IX", i - 1)

    def ref(self, k):
        return self._op("OP_REF", k - 1)

    def meta(self, sel, arg=None):
        """sel 0: aborting metamethods, 1: __index proxy (arg: table), 2: weak
        (arg & 1: keys), 3: __gc and __metatable, 4: none."""
        return self._op("OP_METATABLE", sel, *([] if arg is None else [arg]))

    def template(self, k):
        return self._op("OP_TEMPLATE", k)

    def dup(self):
        return self._op("OP_DUP")

    def remove(self, name):
        self._op("OP_REMOVE")
        return self.key(name)

    def bytes(self):
        return bytes(self.b)


def lua_seeds():
    S = {}
    S["create_minimal_valid"] = Prog().template(0)
    S["create_full_valid_signed"] = Prog(flags=FLAG_BUILD).template(1)
    S["create_full_valid_year_9999"] = Prog(flags=FLAG_BUILD, time_sel=2).template(1)
    S["describe_valid"] = Prog("describe", FLAG_BUILD).template(2)
    S["stop_valid"] = Prog("stop", FLAG_BUILD).template(2)
    S["list_jobs_valid_timestamps"] = Prog("list", FLAG_BUILD).template(3)
    S["list_candidates_valid"] = Prog("list_candidates", FLAG_BUILD).template(4)
    S["list_jobs_empty_params"] = Prog("list", FLAG_BUILD)
    S["list_jobs_bad_timestamps"] = (
        Prog("list").template(3).s("2024-02-30").set("CreationTimeAfter")
        .s("2024-01-02T03:04").set("CreationTimeBefore")
        .s("0000-01-01T00:00:00Z").set("LastModifiedTimeAfter")
        .f(float("inf")).set("LastModifiedTimeBefore"))
    # Regression: an empty Lua table for a structure member was sent as JSON [].
    S["regress_empty_table_for_structures"] = (
        Prog(flags=FLAG_BUILD).template(0).open("AutoMLJobConfig").open("SecurityConfig")
        .close().open("CompletionCriteria"))
    S["create_empty_request"] = Prog()
    S["create_unknown_member_did_you_mean"] = Prog().template(0).s("churn").set("AutoMlJobName")
    S["create_case_mismatch_member"] = Prog().template(0).remove("RoleArn").s(
        "arn:aws:iam::123456789012:role/R").set("Rolearn")
    S["create_cycle_root"] = Prog().template(0).open("AutoMLJobConfig").ref(1).set(
        "CompletionCriteria")
    # Regression: a table holding itself twice was unrolled 32 levels deep.
    S["regress_cycle_table_holds_itself_twice"] = (
        Prog().template(0).open("Tags").ref(2).append().ref(2).append())
    p = Prog().template(0).open("Tags")
    for i in range(34):  # each level holds the next one twice: 2^34 paths
        p.open_item().close().ref(3 + 2 * i).append().descend_ix(1)
    S["create_shared_subtables_dag"] = p
    S["create_shared_subtables_dag_big_arena"] = Prog(flags=FLAG_BIG_ARENA).b[:2] + p.b[2:]
    p = Prog().template(0)
    for _ in range(40):
        p.open("AutoMLJobConfig")
    S["create_nested_40_deep"] = p
    S["create_metatables_never_called"] = (
        Prog().template(1).meta(0).descend("InputDataConfig").meta(0).descend_ix(1).meta(0)
        .close().close().descend("OutputDataConfig").meta(1, 0).close()
        .descend("Tags").meta(2, 1).close().descend("AutoMLJobConfig").meta(3))
    S["create_functions_userdata_threads"] = (
        Prog().template(0).other(0).set("ProblemType").other(1).set("AutoMLJobObjective")
        .other(2).set("Tags").other(3).set("ModelDeployConfig").other(5).set("AutoMLJobConfig")
        .other(6).set("GenerateCandidateDefinitionsOnly"))
    S["create_cjson_null_is_unset"] = (
        Prog(flags=FLAG_BUILD).template(0).other(4).set("ProblemType").other(4).set(
            "AutoMLJobConfig").descend("InputDataConfig").other(4).append())
    S["create_huge_name_10mb"] = Prog(flags=FLAG_BIG_ARENA).template(0).big(0, 25).set("AutoMLJobName")
    S["create_long_strings_multibyte"] = (
        Prog().template(0).big(1, 16).set("AutoMLJobName").big(7, 20).set("RoleArn")
        .big(2, 3).set("ProblemType").big(3, 5).set("TargetAttributeName"))
    S["create_list_with_holes"] = (
        Prog().template(0).descend("InputDataConfig").s("x").set_int(40).close()
        .open("Tags").s("k").set_int(3))
    S["create_list_mixed_keys"] = (
        Prog().template(0).descend("InputDataConfig").s("x").set("ChannelType"))
    S["create_odd_keys"] = (
        Prog().template(0).open("Tags").s("a").set_odd(0).s("b").set_odd(1).s("c").set_odd(2)
        .s("d").set_odd(3).s("e").set_odd(4).s("f").set_odd(5).s("g").set_odd(6)
        .s("h").set_int(0).s("i").set_int(1).s("j").set_int(10))
    S["create_sequence_for_structure"] = (
        Prog().template(0).open("OutputDataConfig").s("s3://b/o/").append())
    S["create_single_channel_not_wrapped"] = (
        Prog().template(0).open("InputDataConfig").s("y").set("TargetAttributeName")
        .open("DataSource").open("S3DataSource").s("S3Prefix").set("S3DataType")
        .s("s3://b/t/").set("S3Uri"))
    S["create_empty_list_for_list"] = Prog().template(0).open("InputDataConfig")
    S["create_numbers_edge"] = (
        Prog().template(1).descend("AutoMLJobConfig").descend("CompletionCriteria")
        .f(5.0).set("MaxCandidates").f(5.5).set("MaxRuntimePerTrainingJobInSeconds")
        .i(2 ** 31).set("MaxAutoMLJobRuntimeInSeconds").close()
        .descend("DataSplitConfig").f(float("nan")).set("ValidationFraction"))
    S["create_integral_float_accepted"] = (
        Prog(flags=FLAG_BUILD).template(1).descend("AutoMLJobConfig").descend("CompletionCriteria")
        .f(10.0).set("MaxCandidates").f(3600.0).set("MaxRuntimePerTrainingJobInSeconds"))
    S["create_number_extremes"] = (
        Prog().template(0).open("AutoMLJobConfig").open("CompletionCriteria")
        .f(float("inf")).set("MaxCandidates").f(-float("inf")).set("MaxAutoMLJobRuntimeInSeconds")
        .i(-2 ** 63).set("MaxRuntimePerTrainingJobInSeconds").close()
        .open("DataSplitConfig").f(1e-320).set("ValidationFraction"))
    S["create_strings_for_numbers_and_bools"] = (
        Prog().template(0).open("AutoMLJobConfig").open("CompletionCriteria").s("5")
        .set("MaxCandidates").close().close().s("true").set("GenerateCandidateDefinitionsOnly")
        .i(1).set("ProblemType").boolean(True).set("AutoMLJobName"))
    S["create_invalid_utf8_and_nul"] = (
        Prog().template(0).s(b"\xff").set("AutoMLJobName").s(b"a\0b").set("RoleArn")
        .s(b"\xed\xa0\x80").set("ProblemType").descend("InputDataConfig").descend_ix(1)
        .s(b"\xc0\x80").set("TargetAttributeName").s(b"\xf4\x90\x80\x80").set("ContentType"))
    S["create_rules_auto_with_algorithms"] = (
        Prog().template(1).descend("AutoMLJobConfig").s("AUTO").set("Mode"))
    S["create_rules_hpo_wrong_algorithms"] = (
        Prog().template(1).descend("AutoMLJobConfig").s("HYPERPARAMETER_TUNING").set("Mode")
        .descend("CandidateGenerationConfig").descend("AlgorithmsConfig").descend_ix(1)
        .open("AutoMLAlgorithms").s("catboost").append().s("prophet").append().s("mlp").append()
        .s("mlp").append())
    S["create_rules_two_algorithm_configs"] = (
        Prog().template(1).descend("AutoMLJobConfig").descend("CandidateGenerationConfig")
        .descend("AlgorithmsConfig").open_item().open("AutoMLAlgorithms").s("xgboost").append())
    S["create_rules_channels_mismatch"] = (
        Prog().template(1).descend("InputDataConfig").descend_ix(2).s("other").set(
            "TargetAttributeName").s("x-application/vnd.amazon+parquet").set("ContentType"))
    S["create_rules_channels_default_content_type"] = (
        Prog().template(1).descend("InputDataConfig").descend_ix(1).remove("ContentType")
        .remove("ChannelType").close().descend_ix(2).s("text/csv;header=absent")
        .set("ContentType"))
    S["create_three_channels"] = (
        Prog().template(1).descend("InputDataConfig").open_item().s("validation")
        .set("ChannelType").close().open_item())
    S["create_rules_validation_only"] = (
        Prog().template(0).descend("InputDataConfig").descend_ix(1).s("validation").set(
            "ChannelType"))
    S["create_rules_endpoint_and_metric"] = (
        Prog().template(1).descend("ModelDeployConfig").boolean(True).set(
            "AutoGenerateEndpointName").close().s("Regression").set("ProblemType")
        .descend("AutoMLJobObjective").s("MAPE").set("MetricName").close()
        .descend("AutoMLJobConfig").descend("DataSplitConfig").i(1).set("ValidationFraction"))
    S["create_pattern_hints"] = (
        Prog().template(1).s("role").set("RoleArn").descend("ModelDeployConfig").s("-ep").set(
            "EndpointName").close().descend("AutoMLJobConfig").descend("SecurityConfig")
        .descend("VpcConfig").open("SecurityGroupIds").s("sg bad").append().close()
        .open("Subnets").s("subnet bad").append().close().close().close().close()
        .descend("Tags").descend_ix(1).s(b"a\x01").set("Key").s("v|").set("Value"))
    S["create_rules_metric_problem_mismatch"] = (
        Prog().template(1).descend("AutoMLJobObjective").s("RMSE").set("MetricName"))
    S["create_rules_duplicate_tags"] = (
        Prog().template(1).descend("Tags").open_item().s("team").set("Key").s("x").set(
            "Value").close().open_item().s("Team").set("Key"))
    S["create_rules_endpoint_missing"] = (
        Prog().template(1).descend("ModelDeployConfig").remove("EndpointName"))
    S["create_rules_empty_bucket_and_augmented"] = (
        Prog().template(1).descend("InputDataConfig").descend_ix(1).descend("DataSource")
        .descend("S3DataSource").s("s3:///x").set("S3Uri").s("AugmentedManifestFile").set(
            "S3DataType").close().close().close().descend_ix(2).s("training").set("ChannelType"))
    p = Prog().template(0)
    for k in range(120):
        p.i(k).set(b"Unknown%03d" % k)
    S["create_over_100_issues"] = p
    # Regression: issues kept before the arena ran out came back unsorted.
    p = Prog("list", FLAG_SMALL_ARENA, arena=ARENA_FOR_UNSORTED)
    for k in range(12):
        p.i(k).set(b"Unknown%02d" % (11 - k))
    S["regress_unsorted_issues_on_out_of_memory"] = p
    S["create_small_arena_out_of_memory"] = Prog(flags=FLAG_SMALL_ARENA, arena=3).template(1).s(
        "x").set("Extra")
    S["create_small_arena_valid"] = Prog(flags=FLAG_SMALL_ARENA | FLAG_BUILD, arena=200).template(1)
    S["create_long_key_in_path"] = (
        Prog().template(0).open(b"\xf0\x9f\x99\x82" * 19 + b"x").s("v").set(b"\xc3\xa9" * 39))
    S["create_pending_values_overflow"] = (
        Prog().template(0).s("a").s("b").s("c").s("d").s("e").s("f").s("g").s("h").s("i").dup()
        .set("ProblemType").append())
    S["create_signed_year_0"] = Prog(flags=FLAG_BUILD, time_sel=3).template(0)
    S["create_signing_time_year_10000"] = Prog(flags=FLAG_BUILD, time_sel=5).template(0)
    return {k: (v if isinstance(v, (bytes, bytearray)) else v.bytes()) for k, v in S.items()}


# ---- fuzz_json_response -----------------------------------------------------------

STATUS = {200: 0, 201: 1, 204: 2, 299: 3, 300: 4, 400: 5, 403: 6, 404: 7, 408: 8, 413: 9,
          429: 10, 500: 11, 502: 12, 503: 13, 504: 14, 0: 15, -1: 16, 199: 17, 100: 18,
          999: 19, 2 ** 31 - 1: 20, -2 ** 31: 21}


def resp(status, body, depth=64, errortype=None, request_id=None, upper=False,
         content_type=None):
    flags = (1 if errortype is not None else 0) | (2 if request_id is not None else 0) | \
        (4 if upper else 0) | (8 if content_type is not None else 0)
    out = bytearray([STATUS[status], depth, flags])
    for h in (errortype, request_id, content_type):
        if h is not None:
            h = h.encode() if isinstance(h, str) else h
            out.append(len(h))
            out.extend(h)
    out.extend(body.encode() if isinstance(body, str) else body)
    return bytes(out)


def json_seeds():
    rid = "b3f1c2d4-0000-4000-8000-000000000000"
    ct = "application/x-amz-json-1.1"
    S = {}
    S["create_ok"] = resp(200, '{"AutoMLJobArn":"arn:aws:sagemaker:us-east-1:123456789012:'
                               'automl-job/churn"}', request_id=rid, content_type=ct)
    S["describe_ok"] = resp(200, (
        '{"AutoMLJobName":"churn","AutoMLJobArn":"arn:aws:sagemaker:us-east-1:1:automl-job/churn",'
        '"InputDataConfig":[{"DataSource":{"S3DataSource":{"S3DataType":"S3Prefix",'
        '"S3Uri":"s3://b/t/"}},"TargetAttributeName":"y"}],"CreationTime":1700000000.123,'
        '"EndTime":1700003600,"AutoMLJobStatus":"Completed","BestCandidate":{"CandidateName":"c1",'
        '"FinalAutoMLJobObjectiveMetric":{"MetricName":"F1","Value":0.91,"Type":"Maximize"},'
        '"CandidateSteps":[],"InferenceContainers":[{"Image":"i","ModelDataUrl":"s3://m",'
        '"Environment":{"A":"1","B":""}}]},"ResolvedAttributes":{"AutoMLJobObjective":{}}}'),
        request_id=rid)
    S["list_ok_paginated"] = resp(200, '{"AutoMLJobSummaries":[{"AutoMLJobName":"a",'
                                       '"CreationTime":1.7e9},{"AutoMLJobName":"b"}],'
                                       '"NextToken":"abc=="}')
    S["ok_empty_body"] = resp(204, "")
    S["ok_empty_object"] = resp(200, "{}")
    S["ok_not_an_object"] = resp(200, "[1,2,3]")
    S["ok_scalar"] = resp(201, '"text"')
    S["ok_malformed"] = resp(200, '{"AutoMLJobArn":', request_id=rid)
    S["ok_trailing_garbage"] = resp(200, '{} x')
    S["error_resource_in_use_header"] = resp(
        400, '{"__type":"com.amazonaws.sagemaker#ResourceInUse",'
             '"message":"Job already exists"}', errortype="ResourceInUse:http://internal/",
        request_id=rid)
    S["error_type_namespace_and_suffix"] = resp(
        400, '{"__type":"aws.protocoltests.restjson#FooError:http://internal.amazon.com/",'
             '"Message":"Hi"}')
    S["error_code_member"] = resp(429, '{"code":"ThrottlingException","__type":"Other",'
                                       '"message":"Rate exceeded"}')
    S["error_nested_type_ignored"] = resp(400, '{"x":{"__type":"Nested"},"message":{"a":1}}')
    S["error_blank_code"] = resp(500, '{"__type":"  #  ","message":"m"}', errortype=" :x")
    S["error_html_503"] = resp(503, "<html><body>Service Unavailable</body></html>")
    S["error_empty_body_upper_headers"] = resp(413, "", errortype="RequestEntityTooLarge",
                                               request_id=rid, upper=True)
    S["error_status_zero"] = resp(0, '{"message":"no status"}')
    S["error_status_negative"] = resp(-1, "")
    S["error_status_huge"] = resp(2 ** 31 - 1, '{"__type":"X"}')
    S["error_long_message_multibyte"] = resp(
        400, '{"__type":"ValidationException","message":"' + "\u00e9" * 700 + '"}')
    S["error_long_code"] = resp(400, '{"__type":"' + "A" * 300 + '"}')
    S["error_header_only_hash"] = resp(400, "{}", errortype="a#b#")
    # Regressions: codes that copy to "" were kept as an empty err.type.
    S["regress_error_type_continuation_bytes"] = resp(500, '{"__type":"FromBody"}',
                                                      errortype=b"\x80" * 200)
    S["regress_error_type_leading_nul"] = resp(500, '{"__type":"\\u0000X","message":"m"}')
    S["error_type_cut_inside_blanks"] = resp(400, "", errortype="A" * 125 + " \t\t\tB")
    S["error_message_with_nul"] = resp(400, '{"__type":"T","message":"a\\u0000b"}')
    S["big_integers"] = resp(200, '{"a":123456789012345678901234567890,"b":-9223372036854775809,'
                                  '"c":9223372036854775807,"d":-9223372036854775808,"e":1e2,'
                                  '"f":"123456789012345678901234567890"}')
    S["big_integer_duplicate_keys"] = resp(200, '{"a":99999999999999999999,"a":1}')
    S["duplicate_keys"] = resp(200, '{"a":1,"b":2,"a":{"c":[]}}')
    S["floats_edge"] = resp(200, '[0.1,1e-320,-0.0,1.7976931348623157e308,5e-324,1e400,'
                                 '-1E-7,100.0,1e15,1e16,123456789.123456789]')
    S["floats_overflow"] = resp(200, '[1e999]')
    S["unicode_escapes"] = resp(200, '{"s":"\\u0000\\ud83d\\ude00\\u00e9\\t\\"\\\\\\/",'
                                     '"k\\u00e9":"\u00e9\U0001F642"}')
    S["lone_surrogate"] = resp(200, '{"s":"\\ud800"}')
    S["nul_in_key"] = resp(200, '{"a\\u0000b":1}')
    S["invalid_utf8"] = resp(200, b'{"s":"\xff\xfe"}')
    S["control_chars_raw"] = resp(200, b'{"s":"a\x01b"}')
    S["deep_64_limit_64"] = resp(200, "[" * 64 + "]" * 64, depth=64)
    S["deep_65_limit_64"] = resp(200, "[" * 65 + "]" * 65, depth=64)
    S["deep_objects_limit_3"] = resp(200, '{"a":{"b":{"c":{}}}}', depth=3)
    S["deep_2100"] = resp(200, "[" * 2100 + "]" * 2100, depth=79)
    S["scalar_depth_0"] = resp(200, "true", depth=0)
    S["whitespace_only"] = resp(200, " \n\t ")
    S["long_string"] = resp(200, '{"s":"' + "x" * 5000 + '"}')
    return S


# ---- fuzz_sigv4 ------------------------------------------------------------------------

def sig(flags, time_sel, method, path, query, headers, body=b"", region=None, service=None,
        time_raw=None):
    def s(v):
        if v is None:
            return bytes([0xFF])
        v = v.encode() if isinstance(v, str) else v
        return bytes([len(v)]) + v
    if region is not None:
        flags |= 0x20
    if service is not None:
        flags |= 0x40
    out = bytearray([flags, 0xFF if time_raw is not None else time_sel])
    if time_raw is not None:
        out.extend(struct.pack(">q", time_raw))
    out += s(method) + s(path) + s(query)
    if region is not None:
        out += s(region)
    if service is not None:
        out += s(service)
    out.append(len(headers))
    for name, value in headers:
        out += s(name) + s(value)
    out += body.encode() if isinstance(body, str) else body
    return bytes(out)


def sigv4_seeds():
    host = ("host", "example.amazonaws.com")
    date = ("X-Amz-Date", "20150830T123600Z")
    S = {}
    S["get_vanilla"] = sig(0, 0, "GET", "/", None, [host, date], region="us-east-1",
                           service="service")
    S["post_sagemaker_json"] = sig(0, 2, "POST", "/", "", [
        ("host", "api.sagemaker.us-east-1.amazonaws.com"),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "SageMaker.CreateAutoMLJob")], b'{"AutoMLJobName":"churn"}')
    S["session_token"] = sig(0x10, 2, "POST", "/", None, [host, ("X-Amz-Security-Token", "old")])
    S["query_sorting_and_encoding"] = sig(0, 0, "GET", "/", "Param2=value2&Param1=value1&a+b=%2"
                                          "&k&=v&%41=%7e&empty=", [host])
    S["path_normalize_double_encode"] = sig(0x3, 0, "GET", "/example/../a//b/./c%20d/\u00e9",
                                            None, [host])
    S["path_s3_no_normalize"] = sig(0x0, 0, "GET", "/a//b/../c", None, [host])
    S["body_header_flag"] = sig(0x4 | 0x8 | 0x10, 0, "PUT", "/", None, [host], b"x" * 300)
    S["headers_duplicate_fold_case"] = sig(0, 0, "GET", "/", None, [
        host, ("My-Header1", "value2"), ("my-header1", "value1"), ("My-Header1", " a   b  "),
        ("my-header2", "v\n\tfolded"), ("X-Amz-Date", "ignored"), ("User-Agent", "ua"),
        ("Authorization", "x"), ("Connection", "close"), ("x-amzn-trace-id", "t")])
    S["header_bare_lf_rejected"] = sig(0, 0, "GET", "/", None, [host, ("a", "b\nc")])
    S["header_cr_rejected"] = sig(0, 0, "GET", "/", None, [host, ("a", "b\rc")])
    S["header_bad_name_rejected"] = sig(0, 0, "GET", "/", None, [host, ("bad name", "v")])
    S["header_empty_name_rejected"] = sig(0, 0, "GET", "/", None, [host, ("", "v")])
    S["null_method_rejected"] = sig(0, 0, None, "/", None, [host])
    S["time_year_10000_rejected"] = sig(0, 4, "GET", "/", None, [host])
    S["time_year_0"] = sig(0, 5, "GET", "/", None, [host])
    S["time_raw_min"] = sig(0, 0, "GET", "/", None, [host], time_raw=-2 ** 63)
    S["region_control_char_rejected"] = sig(0, 0, "GET", "/", None, [host], region="us\x01east")
    S["region_long_bypasses_cache"] = sig(0, 0, "GET", "/", None, [host], region="r" * 80,
                                          service="s" * 70)
    S["many_headers"] = sig(0, 0, "GET", "/", None, [("h%02d" % i, "v") for i in range(15)])
    return S


def main():
    sets = {"fuzz_lua_request": lua_seeds(), "fuzz_json_response": json_seeds(),
            "fuzz_sigv4": sigv4_seeds()}
    for target, seeds in sets.items():
        d = os.path.join(CORPUS, target)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("%s: %d seeds" % (target, len(seeds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
