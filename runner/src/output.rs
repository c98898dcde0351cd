//! Report formats shared by `status`, `verify`, `lint` and `etl`: text for people,
//! one JSON document on stdout for scripts.

use serde_json::{json, Value};

use crate::error::Error;
use crate::plan::Plan;
use crate::profile::Target;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// What status and verify know about one target's history.
pub struct TargetReport {
    pub target: Target,
    pub server_version: Option<String>,
    pub plan: Option<Plan>,
    pub error: Option<Error>,
}

impl TargetReport {
    pub fn new(target: &Target) -> TargetReport {
        TargetReport { target: target.clone(), server_version: None, plan: None, error: None }
    }

    /// Reached, and the history matches the migrations (pending is fine).
    pub fn history_ok(&self) -> bool {
        self.error.is_none() && self.plan.as_ref().is_some_and(|p| p.problems.is_empty())
    }

    /// `name (postgres://user:***@host/db, schema morse, PostgreSQL 15.4)`
    pub fn heading(&self) -> String {
        let t = &self.target;
        let version = self.server_version.as_deref().map(|v| format!(", PostgreSQL {v}")).unwrap_or_default();
        format!("{} ({}, schema {}{version})", t.name, t.url, t.schema.name)
    }

    /// The JSON object of one target (status's whole entry; verify adds its checks).
    pub fn json(&self) -> Value {
        let plan = self.plan.as_ref();
        let applied: Vec<Value> = plan
            .map(|p| p.applied.iter().map(|a| json!({"version": a.version, "name": a.name, "applied_on": a.applied_on})).collect())
            .unwrap_or_default();
        let pending: Vec<Value> =
            plan.map(|p| p.pending.iter().map(|m| json!({"version": m.version(), "name": m.name()})).collect()).unwrap_or_default();
        let problems: Vec<Value> =
            plan.map(|p| p.problems.iter().map(|x| json!({"kind": x.kind(), "detail": x.describe()})).collect()).unwrap_or_default();
        json!({
            "name": self.target.name,
            "schema": self.target.schema.name,
            "ok": self.history_ok(),
            "server_version": self.server_version,
            "applied": applied,
            "pending": pending,
            "problems": problems,
            "error": self.error.as_ref().map(|e| e.message().to_string()),
        })
    }
}

/// One JSON document: `{"profile", "ok", ...fields, "targets": [...]}`.
pub fn print_json(profile: &str, ok: bool, fields: &[(&str, Value)], targets: Vec<Value>) {
    let mut doc = json!({ "profile": profile, "ok": ok });
    for (k, v) in fields {
        doc[*k] = v.clone();
    }
    doc["targets"] = Value::Array(targets);
    println!("{}", serde_json::to_string_pretty(&doc).expect("a JSON value serializes"));
}
