"""In-memory AutoML job state and the five operations of the emulator.

Job progress is a pure function of elapsed time (monotonic clock), so no
background threads are needed: each Describe/List call computes what the job
looks like "now". All public methods take the store lock.
"""

import base64
import copy
import hashlib
import json
import struct
import threading
import time

from emu_model import enum_values, is_int, parse_timestamp, summary_message, constraint_message
from emu_sigv4 import ApiError

ACCOUNT_ID = "123456789012"

ENSEMBLING_ALGORITHMS = ["catboost", "extra-trees", "fastai", "lightgbm", "linear-learner",
                         "nn-torch", "randomforest", "xgboost"]
HPO_ALGORITHMS = ["linear-learner", "mlp", "xgboost"]
METRICS_BY_PROBLEM = {
    "Regression": ["MAE", "MSE", "R2", "RMSE"],
    "BinaryClassification": ["Accuracy", "AUC", "BalancedAccuracy", "F1", "Precision", "Recall"],
    "MulticlassClassification": ["Accuracy", "BalancedAccuracy", "F1macro", "PrecisionMacro",
                                 "RecallMacro"],
}
DEFAULT_METRIC = {"Regression": "MSE", "BinaryClassification": "F1",
                  "MulticlassClassification": "Accuracy"}
MINIMIZE_METRICS = {"MSE", "RMSE", "MAE", "MAPE", "MASE", "WAPE", "AverageWeightedQuantileLoss"}
DEFAULT_CONTENT_TYPE = "text/csv;header=present"
TERMINAL = ("Completed", "Failed", "Stopped")
DEFAULT_CANDIDATES = 10


def _as_float32(value):
    """Round like the service does (its metric values are float32 widened to double)."""
    return struct.unpack("<f", struct.pack("<f", value))[0]


def _ts(value):
    """Epoch seconds with millisecond fraction, as AWS sends them."""
    return round(value, 3)


def _h(*parts, n=8):
    return hashlib.sha256("/".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:n]


def _unit(*parts):
    return int(_h(*parts, n=12), 16) / float(16 ** 12)


# ---------------------------------------------------------------------------
# Rules stated only in the API reference prose


def prose_rule_errors(req):
    """Return ValidationException messages for CreateAutoMLJob rules that the
    model does not encode. Only called on a request that passed model checks."""
    errs = []
    cfg = req.get("AutoMLJobConfig") or {}
    mode = cfg.get("Mode")
    cgc = cfg.get("CandidateGenerationConfig") or {}
    algs_cfg = cgc.get("AlgorithmsConfig")
    base = "autoMLJobConfig.candidateGenerationConfig.algorithmsConfig"
    if algs_cfg is not None:
        if mode == "AUTO":
            errs.append(constraint_message(
                base, algs_cfg,
                "AlgorithmsConfig must not be set when AutoMLJobConfig.Mode is AUTO; "
                "set Mode to ENSEMBLING or HYPERPARAMETER_TUNING or remove AlgorithmsConfig"))
        elif len(algs_cfg) != 1:
            errs.append(constraint_message(
                base, algs_cfg, "AlgorithmsConfig must contain exactly one AutoMLAlgorithmConfig"))
        else:
            if mode == "ENSEMBLING":
                allowed, label = ENSEMBLING_ALGORITHMS, "ENSEMBLING mode"
            elif mode == "HYPERPARAMETER_TUNING":
                allowed, label = HPO_ALGORITHMS, "HYPERPARAMETER_TUNING mode"
            else:
                allowed = sorted(set(ENSEMBLING_ALGORITHMS) | set(HPO_ALGORITHMS))
                label = "ENSEMBLING or HYPERPARAMETER_TUNING mode"
            for j, alg in enumerate(algs_cfg[0].get("AutoMLAlgorithms") or []):
                if alg not in allowed:
                    errs.append(constraint_message(
                        "%s.1.member.autoMLAlgorithms.%d.member" % (base, j + 1), alg,
                        "Member must be an algorithm supported in %s: [%s]" % (label, ", ".join(allowed))))

    mdc = req.get("ModelDeployConfig") or {}
    if mdc.get("AutoGenerateEndpointName") is True and mdc.get("EndpointName") is not None:
        errs.append(constraint_message(
            "modelDeployConfig.endpointName", mdc["EndpointName"],
            "EndpointName must not be set when AutoGenerateEndpointName is true"))

    channels = req.get("InputDataConfig") or []
    kinds = [(c.get("ChannelType") or "training") for c in channels]
    for kind in ("training", "validation"):
        if kinds.count(kind) > 1:
            errs.append(constraint_message(
                "inputDataConfig", [k for k in kinds],
                "Member must contain at most one channel with ChannelType %s "
                "(ChannelType defaults to training)" % kind))
    if "validation" in kinds and "training" not in kinds:
        errs.append(constraint_message(
            "inputDataConfig", [k for k in kinds],
            "A validation channel requires a training channel (ChannelType defaults to training)"))
    if len(channels) == 2 and sorted(kinds) == ["training", "validation"]:
        a, b = channels
        ct_a = a.get("ContentType") or DEFAULT_CONTENT_TYPE
        ct_b = b.get("ContentType") or DEFAULT_CONTENT_TYPE
        if ct_a != ct_b:
            errs.append(constraint_message(
                "inputDataConfig.2.member.contentType", ct_b,
                "Training and validation channels must have the same ContentType ('%s' != '%s')"
                % (ct_a, ct_b)))
        if a.get("TargetAttributeName") != b.get("TargetAttributeName"):
            errs.append(constraint_message(
                "inputDataConfig.2.member.targetAttributeName", b.get("TargetAttributeName"),
                "Training and validation channels must have the same TargetAttributeName"))
    for i, ch in enumerate(channels):
        if ch.get("SampleWeightAttributeName") is not None and mode != "ENSEMBLING":
            errs.append(constraint_message(
                "inputDataConfig.%d.member.sampleWeightAttributeName" % (i + 1),
                ch["SampleWeightAttributeName"],
                "SampleWeightAttributeName is supported only when AutoMLJobConfig.Mode is ENSEMBLING"))

    vf = (cfg.get("DataSplitConfig") or {}).get("ValidationFraction")
    if vf is not None and not (0 < vf < 1):
        errs.append(constraint_message(
            "autoMLJobConfig.dataSplitConfig.validationFraction", vf,
            "Member must be greater than 0 and less than 1"))

    metric = (req.get("AutoMLJobObjective") or {}).get("MetricName")
    problem = req.get("ProblemType")
    if metric is not None:
        if problem is not None:
            allowed = METRICS_BY_PROBLEM.get(problem, [])
            if metric not in allowed:
                errs.append(constraint_message(
                    "autoMLJobObjective.metricName", metric,
                    "Member must be a metric supported for ProblemType %s: [%s]"
                    % (problem, ", ".join(allowed))))
        else:
            allowed = sorted(set().union(*METRICS_BY_PROBLEM.values()))
            if metric not in allowed:
                errs.append(constraint_message(
                    "autoMLJobObjective.metricName", metric,
                    "Member must be a metric supported for tabular AutoML (V1) jobs: [%s]"
                    % ", ".join(allowed)))

    seen = {}
    for i, tag in enumerate(req.get("Tags") or []):
        key = tag.get("Key")
        if key in seen:
            errs.append(constraint_message(
                "tags.%d.member.key" % (i + 1), key,
                "Tag keys must be unique per resource (same key as tags.%d.member.key)" % seen[key]))
        else:
            seen[key] = i + 1
    return errs


# ---------------------------------------------------------------------------
# Jobs


class Job:
    def __init__(self, request, region, created_wall, created_mono, duration):
        self.request = copy.deepcopy(request)
        self.name = request["AutoMLJobName"]
        self.region = region
        self.arn = "arn:aws:sagemaker:%s:%s:automl-job/%s" % (region, ACCOUNT_ID, self.name.lower())
        self.created_wall = created_wall
        self.created_mono = created_mono
        self.duration = max(float(duration), 0.0)
        self.stop_at = None           # elapsed seconds when StopAutoMLJob arrived
        cfg = request.get("AutoMLJobConfig") or {}
        self.mode = cfg.get("Mode") or "AUTO"
        self.problem = request.get("ProblemType") or "BinaryClassification"
        objective = request.get("AutoMLJobObjective") or {}
        self.metric = objective.get("MetricName") or DEFAULT_METRIC.get(self.problem, "F1")
        crit = cfg.get("CompletionCriteria") or {}
        self.max_candidates = crit.get("MaxCandidates")
        self.defs_only = bool(request.get("GenerateCandidateDefinitionsOnly"))
        self.fails = self.name.lower().startswith("fail-")
        n = DEFAULT_CANDIDATES if self.max_candidates is None else min(self.max_candidates, DEFAULT_CANDIDATES)
        self.n_candidates = 0 if (self.defs_only or self.fails) else max(1, n)
        mdc = request.get("ModelDeployConfig") or {}
        self.deploy = not self.defs_only and not self.fails and (
            bool(mdc.get("AutoGenerateEndpointName")) or mdc.get("EndpointName") is not None)

    # -- timeline ---------------------------------------------------------
    def phases(self, allowed):
        """[(secondary_status, start_fraction)] in order, restricted to the model enum."""
        if self.defs_only:
            seq = [("Starting", 0.0), ("AnalyzingData", 0.3)]
        elif self.fails:
            seq = [("Starting", 0.0), ("AnalyzingData", 0.2)]
        else:
            if self.mode == "ENSEMBLING":
                train = [("TrainingModels", 0.3)]
            else:
                train = [("FeatureEngineering", 0.25), ("ModelTuning", 0.4)]
            seq = [("Starting", 0.0), ("AnalyzingData", 0.1)] + train + [
                ("GeneratingExplainabilityReport", 0.8), ("GeneratingModelInsightsReport", 0.88)]
            if self.deploy:
                seq.append(("DeployingModel", 0.94))
        return [p for p in seq if p[0] in allowed] or [(seq[0][0], 0.0)]

    def end_fraction(self):
        return 0.5 if self.fails else 1.0

    def tuning_window(self):
        if self.mode == "ENSEMBLING":
            return 0.3, 0.8
        return 0.4, 0.8

    def stop_delay(self):
        return min(0.5, self.duration * 0.25)

    def final_secondary(self):
        if self.fails:
            return "Failed"
        if self.defs_only:
            return "CandidateDefinitionsGenerated"
        if self.max_candidates is not None:
            return "MaxCandidatesReached"
        return "Completed"

    def state(self, elapsed, allowed_secondary):
        """Return dict(status, secondary, last_modified_offset, end_offset)."""
        d = self.duration
        if self.stop_at is not None and self.stop_at < d * self.end_fraction():
            stopped_at = self.stop_at + self.stop_delay()
            if elapsed >= stopped_at:
                return dict(status="Stopped", secondary=_pick("Stopped", allowed_secondary),
                            modified=stopped_at, end=stopped_at)
            return dict(status="Stopping", secondary=_pick("Stopping", allowed_secondary),
                        modified=self.stop_at, end=None)
        end = d * self.end_fraction()
        if elapsed >= end:
            status = "Failed" if self.fails else "Completed"
            return dict(status=status, secondary=_pick(self.final_secondary(), allowed_secondary),
                        modified=end, end=end)
        current, since = None, 0.0
        for name, frac in self.phases(allowed_secondary):
            if elapsed >= d * frac:
                current, since = name, d * frac
        return dict(status="InProgress", secondary=current or "Starting", modified=since, end=None)

    def effective_elapsed_limit(self):
        """Elapsed time at which the job stops changing (for candidate progress)."""
        if self.stop_at is not None and self.stop_at < self.duration * self.end_fraction():
            return self.stop_at
        return None


def _pick(preferred, allowed):
    if preferred in allowed:
        return preferred
    for alt in ("Completed", "Stopped", "Failed"):
        if alt in allowed:
            return alt
    return allowed[0] if allowed else preferred


# ---------------------------------------------------------------------------


class JobStore:
    def __init__(self, model, region, job_limit, job_duration, clock):
        self.model = model
        self.region = region
        self.job_limit = job_limit
        self.job_duration = job_duration
        self.clock = clock                # callable -> server wall clock (skew applied)
        self.lock = threading.RLock()
        self.jobs = {}                    # lower-case name -> Job
        self.secondary_enum = enum_values(model, "AutoMLJobSecondaryStatus", [
            "Starting", "AnalyzingData", "FeatureEngineering", "ModelTuning", "Completed",
            "Failed", "Stopped", "Stopping", "MaxCandidatesReached", "CandidateDefinitionsGenerated"])

    def reset(self, job_limit, job_duration):
        with self.lock:
            self.jobs.clear()
            self.job_limit = job_limit
            self.job_duration = job_duration

    # -- helpers ----------------------------------------------------------
    def _get(self, name):
        job = self.jobs.get(name.lower()) if isinstance(name, str) else None
        if job is None:
            raise ApiError(400, "ResourceNotFound", "AutoML job %s does not exist." % name)
        return job

    def _elapsed(self, job):
        return time.monotonic() - job.created_mono

    def in_progress_count(self):
        with self.lock:
            return sum(1 for j in self.jobs.values()
                       if j.state(self._elapsed(j), self.secondary_enum)["status"] == "InProgress")

    # -- operations -------------------------------------------------------
    def create(self, req):
        with self.lock:
            name = req["AutoMLJobName"]
            if name.lower() in self.jobs:
                raise ApiError(400, "ResourceInUse",
                               "Resource Already Exists: AutoML job with name %s already exists. "
                               "Choose a different name." % name)
            running = self.in_progress_count()
            if running + 1 > self.job_limit:
                raise ApiError(
                    400, "ResourceLimitExceeded",
                    "The account-level service limit 'Maximum number of concurrent AutoML jobs' is "
                    "%d AutoML jobs, with current utilization of %d AutoML jobs and a request delta of "
                    "1 AutoML jobs. Please use AWS Service Quotas to request an increase for this quota. "
                    "If AWS Service Quotas is not available, contact AWS support to request an increase "
                    "for this quota." % (self.job_limit, running))
            job = Job(req, self.region, self.clock(), time.monotonic(), self.job_duration)
            self.jobs[name.lower()] = job
            return {"AutoMLJobArn": job.arn}

    def stop(self, req):
        with self.lock:
            job = self._get(req["AutoMLJobName"])
            st = job.state(self._elapsed(job), self.secondary_enum)
            if st["status"] == "InProgress":
                job.stop_at = self._elapsed(job)
            return {}

    def describe(self, req):
        with self.lock:
            job = self._get(req["AutoMLJobName"])
            return self._describe(job)

    def summaries(self):
        with self.lock:
            return [self._summary(j) for j in self.jobs.values()]

    def admin_jobs(self):
        with self.lock:
            out = []
            for j in self.jobs.values():
                st = j.state(self._elapsed(j), self.secondary_enum)
                out.append({"name": j.name, "arn": j.arn, "status": st["status"],
                            "secondary_status": st["secondary"],
                            "creation_time": _ts(j.created_wall), "request": copy.deepcopy(j.request)})
            out.sort(key=lambda x: x["creation_time"])
            return out

    def list_jobs(self, req):
        with self.lock:
            items = [self._summary(j) for j in self.jobs.values()]
        items = [s for s in items if _job_matches(s, req)]
        sort_by = req.get("SortBy") or "Name"
        reverse = (req.get("SortOrder") or "Descending") == "Descending"
        keyf = {
            "Name": lambda s: (s["AutoMLJobName"].lower(), s["CreationTime"]),
            "CreationTime": lambda s: (s["CreationTime"], s["AutoMLJobName"].lower()),
            "Status": lambda s: (s["AutoMLJobStatus"], s["AutoMLJobName"].lower()),
        }[sort_by]
        items.sort(key=keyf, reverse=reverse)
        page, token = _paginate(items, req, default_max=10, op="ListAutoMLJobs")
        out = {"AutoMLJobSummaries": page}
        if token:
            out["NextToken"] = token
        return out

    def list_candidates(self, req):
        with self.lock:
            job = self._get(req["AutoMLJobName"])
            cands = self._candidates(job)
        if req.get("StatusEquals"):
            cands = [c for c in cands if c["CandidateStatus"] == req["StatusEquals"]]
        if req.get("CandidateNameEquals"):
            cands = [c for c in cands if c["CandidateName"] == req["CandidateNameEquals"]]
        sort_by = req.get("SortBy") or "CreationTime"
        reverse = (req.get("SortOrder") or "Ascending") == "Descending"
        if sort_by == "FinalObjectiveMetricValue":
            def keyf(c):
                m = c.get("FinalAutoMLJobObjectiveMetric")
                return (m is not None, m["Value"] if m else 0.0, c["CandidateName"])
        elif sort_by == "Status":
            def keyf(c):
                return (c["CandidateStatus"], c["CandidateName"])
        else:
            def keyf(c):
                return (c["CreationTime"], c["CandidateName"])
        cands.sort(key=keyf, reverse=reverse)
        page, token = _paginate(cands, req, default_max=10, op="ListCandidatesForAutoMLJob")
        out = {"Candidates": page}
        if token:
            out["NextToken"] = token
        return out

    # -- response builders ------------------------------------------------
    def _summary(self, job):
        st = job.state(self._elapsed(job), self.secondary_enum)
        s = {
            "AutoMLJobName": job.name,
            "AutoMLJobArn": job.arn,
            "AutoMLJobStatus": st["status"],
            "AutoMLJobSecondaryStatus": st["secondary"],
            "CreationTime": _ts(job.created_wall),
            "LastModifiedTime": _ts(job.created_wall + st["modified"]),
        }
        if st["end"] is not None:
            s["EndTime"] = _ts(job.created_wall + st["end"])
        if st["status"] == "Failed":
            s["FailureReason"] = _failure_reason(job)
        return s

    def _s3_base(self, job):
        out = job.request["OutputDataConfig"]["S3OutputPath"].rstrip("/")
        return "%s/%s" % (out, job.name)

    def _describe(self, job):
        elapsed = self._elapsed(job)
        st = job.state(elapsed, self.secondary_enum)
        req = job.request
        channels = []
        for ch in req["InputDataConfig"]:
            c = copy.deepcopy(ch)
            c.setdefault("CompressionType", "None")
            c.setdefault("ContentType", DEFAULT_CONTENT_TYPE)
            c.setdefault("ChannelType", "training")
            channels.append(c)
        cfg = copy.deepcopy(req.get("AutoMLJobConfig") or {})
        crit = cfg.setdefault("CompletionCriteria", {})
        crit.setdefault("MaxCandidates", 250)
        crit.setdefault("MaxRuntimePerTrainingJobInSeconds", 86400)
        crit.setdefault("MaxAutoMLJobRuntimeInSeconds", 2592000)
        sec = cfg.setdefault("SecurityConfig", {})
        sec.setdefault("EnableInterContainerTrafficEncryption", False)
        cfg.setdefault("Mode", "AUTO")
        out = {
            "AutoMLJobName": job.name,
            "AutoMLJobArn": job.arn,
            "InputDataConfig": channels,
            "OutputDataConfig": copy.deepcopy(req["OutputDataConfig"]),
            "RoleArn": req["RoleArn"],
            "AutoMLJobConfig": cfg,
            "CreationTime": _ts(job.created_wall),
            "LastModifiedTime": _ts(job.created_wall + st["modified"]),
            "AutoMLJobStatus": st["status"],
            "AutoMLJobSecondaryStatus": st["secondary"],
            "GenerateCandidateDefinitionsOnly": job.defs_only,
        }
        if "AutoMLJobObjective" in req:
            out["AutoMLJobObjective"] = copy.deepcopy(req["AutoMLJobObjective"])
        if "ProblemType" in req:
            out["ProblemType"] = req["ProblemType"]
        if "ModelDeployConfig" in req:
            out["ModelDeployConfig"] = copy.deepcopy(req["ModelDeployConfig"])
        if st["end"] is not None:
            out["EndTime"] = _ts(job.created_wall + st["end"])
        if st["status"] == "Failed":
            out["FailureReason"] = _failure_reason(job)
        past_analysis = elapsed >= job.duration * 0.2 or st["status"] in TERMINAL
        if past_analysis and st["status"] != "Failed":
            out["ResolvedAttributes"] = {
                "AutoMLJobObjective": {"MetricName": job.metric},
                "ProblemType": job.problem,
                "CompletionCriteria": copy.deepcopy(crit),
            }
            base = self._s3_base(job)
            out["AutoMLJobArtifacts"] = {
                "CandidateDefinitionNotebookLocation":
                    "%s/sagemaker-automl-candidates/%s-pr-1-%s/notebooks/"
                    "SageMakerAutopilotCandidateDefinitionNotebook.ipynb" % (base, job.name, _h(job.arn, 1)),
                "DataExplorationNotebookLocation":
                    "%s/sagemaker-automl-candidates/%s-pr-1-%s/notebooks/"
                    "SageMakerAutopilotDataExplorationNotebook.ipynb" % (base, job.name, _h(job.arn, 1)),
            }
        best = self._best(job)
        if best is not None and st["status"] in ("Completed", "Stopped"):
            out["BestCandidate"] = best
        if st["status"] == "Completed" and job.deploy:
            mdc = req.get("ModelDeployConfig") or {}
            name = mdc.get("EndpointName") or ("%s-%s" % (job.name[:50], _h(job.arn, "ep")))[:63]
            out["ModelDeployResult"] = {"EndpointName": name}
        return out

    def _candidates(self, job):
        """Candidates visible now (creation time <= now)."""
        elapsed = self._elapsed(job)
        frozen = job.effective_elapsed_limit()
        horizon = elapsed if frozen is None else min(elapsed, frozen)
        d = job.duration
        w0, w1 = job.tuning_window()
        n = job.n_candidates
        out = []
        for i in range(n):
            start = d * (w0 + (w1 - w0) * i / n)
            end = d * (w0 + (w1 - w0) * (i + 1) / n)
            if horizon < start:
                continue
            if horizon >= end:
                status, finished = "Completed", end
            elif frozen is not None:
                stop_done = frozen + job.stop_delay()
                if elapsed >= stop_done:
                    status, finished = "Stopped", stop_done
                else:
                    status, finished = "Stopping", None
            else:
                status, finished = "InProgress", None
            out.append(self._candidate(job, i, start, finished, status))
        return out

    def _best(self, job):
        done = [c for c in self._candidates(job) if c["CandidateStatus"] == "Completed"]
        if not done:
            return None
        minimize = job.metric in MINIMIZE_METRICS
        return sorted(done, key=lambda c: c["FinalAutoMLJobObjectiveMetric"]["Value"],
                      reverse=not minimize)[0]

    def _candidate(self, job, i, start_off, end_off, status):
        name = ("%s-%03d-%s" % (job.name, i + 1, _h(job.arn, i)))[:64]
        region = job.region
        arn = "arn:aws:sagemaker:%s:%s:" % (region, ACCOUNT_ID)
        lname = name.lower()
        steps = [
            {"CandidateStepType": "AWS::SageMaker::ProcessingJob",
             "CandidateStepArn": arn + "processing-job/" + ("%s-db-1-%s" % (job.name, _h(job.arn, "db"))).lower()[:63],
             "CandidateStepName": ("%s-db-1-%s" % (job.name, _h(job.arn, "db")))[:64]},
            {"CandidateStepType": "AWS::SageMaker::TrainingJob",
             "CandidateStepArn": arn + "training-job/" + ("%s-dpp%d-1-%s" % (job.name, i % 3, _h(job.arn, "dpp", i % 3))).lower()[:63],
             "CandidateStepName": ("%s-dpp%d-1-%s" % (job.name, i % 3, _h(job.arn, "dpp", i % 3)))[:64]},
            {"CandidateStepType": "AWS::SageMaker::TransformJob",
             "CandidateStepArn": arn + "transform-job/" + ("%s-dpp%d-rpb-1-%s" % (job.name, i % 3, _h(job.arn, "rpb", i % 3))).lower()[:63],
             "CandidateStepName": ("%s-dpp%d-rpb-1-%s" % (job.name, i % 3, _h(job.arn, "rpb", i % 3)))[:64]},
            {"CandidateStepType": "AWS::SageMaker::TrainingJob",
             "CandidateStepArn": arn + "training-job/" + lname,
             "CandidateStepName": name},
        ]
        created = job.created_wall + start_off
        c = {
            "CandidateName": name,
            "ObjectiveStatus": {"Completed": "Succeeded", "InProgress": "Pending",
                                "Stopping": "Pending"}.get(status, "Failed"),
            "CandidateSteps": steps,
            "CandidateStatus": status,
            "CreationTime": _ts(created),
            "LastModifiedTime": _ts(job.created_wall + (end_off if end_off is not None else start_off)),
        }
        if end_off is not None:
            c["EndTime"] = _ts(job.created_wall + end_off)
        if status == "Completed":
            u = _unit(job.arn, "metric", i)
            minimize = job.metric in MINIMIZE_METRICS
            value = _as_float32(0.05 + 1.5 * u if minimize else 0.6 + 0.38 * u)
            c["FinalAutoMLJobObjectiveMetric"] = {
                "Type": "Minimize" if minimize else "Maximize",
                "MetricName": job.metric,
                "Value": value,
                "StandardMetricName": job.metric,
            }
            base = self._s3_base(job)
            image_acct = "683313688378.dkr.ecr.%s.amazonaws.com" % region
            c["InferenceContainers"] = [
                {"Image": image_acct + "/sagemaker-sklearn-automl:2.5-1-cpu-py3",
                 "ModelDataUrl": "%s/data-processor-models/%s-dpp%d-1-%s/output/model.tar.gz"
                                 % (base, job.name, i % 3, _h(job.arn, "dpp", i % 3)),
                 "Environment": {"AUTOML_TRANSFORM_MODE": "feature-transform",
                                 "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "application/x-recordio-protobuf",
                                 "SAGEMAKER_PROGRAM": "sagemaker_serve",
                                 "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"}},
                {"Image": image_acct + "/sagemaker-xgboost:1.3-1-cpu-py3",
                 "ModelDataUrl": "%s/tuning/%s/%s/output/model.tar.gz" % (base, job.name[:20], name),
                 "Environment": {"MAX_CONTENT_LENGTH": "20971520",
                                 "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"}},
            ]
            c["CandidateProperties"] = {
                "CandidateArtifactLocations": {
                    "Explainability": "%s/documentation/explainability/output" % base,
                    "ModelInsights": "%s/documentation/model_monitor/output" % base,
                },
                "CandidateMetrics": [
                    {"MetricName": job.metric, "StandardMetricName": job.metric,
                     "Value": value, "Set": "Validation"},
                ],
            }
        elif status in ("Stopped",):
            c["FailureReason"] = "The candidate was stopped because the AutoML job was stopped."
        return c


def _failure_reason(job):
    target = job.request["InputDataConfig"][0].get("TargetAttributeName", "")
    return ("ClientError: Could not complete the data analysis: the target attribute '%s' "
            "was not found in the input data (emulated failure for job names starting with 'fail-')."
            % target)


def _job_matches(s, req):
    if req.get("StatusEquals") and s["AutoMLJobStatus"] != req["StatusEquals"]:
        return False
    nc = req.get("NameContains")
    if nc and nc.lower() not in s["AutoMLJobName"].lower():
        return False
    for key, field, after in (("CreationTimeAfter", "CreationTime", True),
                              ("CreationTimeBefore", "CreationTime", False),
                              ("LastModifiedTimeAfter", "LastModifiedTime", True),
                              ("LastModifiedTimeBefore", "LastModifiedTime", False)):
        if req.get(key) is not None:
            limit = parse_timestamp(req[key])
            if after and not s[field] > limit:
                return False
            if not after and not s[field] < limit:
                return False
    return True


def _filter_fingerprint(req, op):
    keep = {k: v for k, v in req.items() if k not in ("MaxResults", "NextToken")}
    return _h(op, json.dumps(keep, sort_keys=True), n=12)


def _paginate(items, req, default_max, op):
    max_results = req.get("MaxResults") or default_max
    offset = 0
    token = req.get("NextToken")
    if token:
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4))
            data = json.loads(raw.decode("utf-8"))
            offset = data["o"]
            ok = is_int(offset) and offset >= 0 and data.get("f") == _filter_fingerprint(req, op)
        except (ValueError, KeyError, TypeError, UnicodeError):
            ok = False
        if not ok:
            raise ApiError(400, "ValidationException",
                           summary_message([constraint_message(
                               "nextToken", token,
                               "Member must be a NextToken returned by a previous %s call with the "
                               "same filters" % op)]))
    page = items[offset:offset + max_results]
    next_off = offset + len(page)
    if next_off < len(items):
        raw = json.dumps({"o": next_off, "f": _filter_fingerprint(req, op)}, separators=(",", ":"))
        return page, base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")
    return page, None
