//! The per-target layer every command goes through: a target of the profile
//! (its URL parsed once, when the profile's targets were selected), its
//! session ([`Session`]: settings, server facts and history in one round
//! trip; the lock as a guard), and running a command's work on many targets
//! at once ([`run_each`]) or on one shard of them ([`Shard`]).

use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::profile::{Profile, Target};
use crate::session::{Access, Session};

/// Connect and read settings, server facts and history (one round trip
/// after the login).
pub fn open(profile: &Profile, t: &Target, access: Access) -> Result<Session> {
    open_if_exists(profile, t, access)?.ok_or_else(|| {
        Error::unreachable(format!(
            "target {}: {}: database `{}` does not exist; `runner migrate` creates it (create_database: true)",
            t.name,
            t.url,
            t.url.dbname()
        ))
    })
}

/// As `open`, but `None` when the database does not exist yet and the
/// profile would create it (`create_database: true`).
pub fn open_if_exists(profile: &Profile, t: &Target, access: Access) -> Result<Option<Session>> {
    match Session::connect(t, profile.timeouts(), access)? {
        Some(mut s) => {
            s.read(&[])?;
            Ok(Some(s))
        }
        None => Ok(None),
    }
}

/// Refuse a transaction pooler for commands that hold the session lock.
pub fn refuse_pooler(targets: &[Target], command: &str) -> Result<()> {
    for t in targets {
        if let Some(why) = t.url.pooler() {
            return Err(Error::usage(format!(
                "target {}: {why}; {command} holds a session advisory lock, which a transaction pooler does not keep",
                t.name
            )));
        }
    }
    Ok(())
}

/// Same server and database (two schemas may share one).
pub fn same_database(a: &Target, b: &Target) -> bool {
    a.url.host() == b.url.host() && a.url.port() == b.url.port() && a.url.dbname() == b.url.dbname()
}

/// `--shard I/N`: the targets whose name hashes to I modulo N. The choice
/// depends only on each target's name, so adding or reordering targets in
/// the profile moves no other target to another shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard; write I/N with 0 <= I < N, e.g. --shard $JOB_COMPLETION_INDEX/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    pub fn contains(&self, target_name: &str) -> bool {
        crate::lock::fnv1a(target_name.as_bytes()) % self.count == self.index
    }
}

/// `--jobs` and `--keep-going`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Jobs {
    /// At most this many targets at once (default: all selected, at most 8).
    pub max: Option<usize>,
    /// After a failure, still start the targets not started yet.
    pub keep_going: bool,
}

pub const DEFAULT_MAX_JOBS: usize = 8;

impl Jobs {
    pub fn workers(&self, targets: usize) -> usize {
        self.max.unwrap_or(DEFAULT_MAX_JOBS).min(targets).max(1)
    }
}

/// What one target's work left: its result (`None`: never started, because
/// another target failed first) and what it wrote for stdout.
pub struct Finished<R> {
    pub name: String,
    pub result: Option<Result<R>>,
    pub stdout: String,
}

/// Run `work` on every endpoint, up to `jobs` at once, started in profile
/// order. When a target fails and `stop_on_failure` holds (a changing
/// command without `--keep-going`), the running ones finish and no new one
/// starts. Each target writes its stdout into its own buffer; results come
/// back in profile order.
pub fn run_each<R: Send>(
    targets: &[Target],
    jobs: Jobs,
    stop_on_failure: bool,
    work: impl Fn(&Target, &mut String) -> Result<R> + Sync,
) -> Vec<Finished<R>> {
    // Each target's result and stdout, once it ran.
    type Slot<R> = Mutex<Option<(Result<R>, String)>>;
    let slots: Vec<Slot<R>> = targets.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let stop_on_failure = stop_on_failure && !jobs.keep_going;
    let worker = || loop {
        let i = next.fetch_add(1, Ordering::SeqCst);
        if i >= targets.len() || stop.load(Ordering::SeqCst) {
            return;
        }
        let mut out = String::new();
        let result = work(&targets[i], &mut out);
        if result.is_err() && stop_on_failure {
            stop.store(true, Ordering::SeqCst);
        }
        *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some((result, out));
    };
    let workers = jobs.workers(targets.len());
    if workers == 1 {
        worker();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(worker);
            }
        });
    }
    targets
        .iter()
        .zip(slots)
        .map(|(e, slot)| {
            let done = slot.into_inner().unwrap_or_else(|p| p.into_inner());
            let (result, stdout) = match done {
                Some((r, out)) => (Some(r), out),
                None => (None, String::new()),
            };
            Finished { name: e.name.clone(), result, stdout }
        })
        .collect()
}

/// Print every target's stdout in profile order and turn the results into
/// one: the values when all succeeded, else the most severe error, naming
/// every failed target and the ones not started.
pub fn finish<R>(finished: Vec<Finished<R>>) -> Result<Vec<R>> {
    let mut stdout = String::new();
    let mut values = Vec::new();
    let mut failed: Vec<(String, Error)> = Vec::new();
    let mut not_started = Vec::new();
    for f in finished {
        stdout.push_str(&f.stdout);
        match f.result {
            Some(Ok(v)) => values.push(v),
            Some(Err(e)) => failed.push((f.name, e)),
            None => not_started.push(f.name),
        }
    }
    print!("{stdout}");
    combine(failed, &not_started).map(|()| values)
}

/// The error of several targets' failures (exit code: the most severe).
/// Failures that say the same thing but for the target's name (a fleet on
/// one old server) are one line naming all of them; different ones are
/// logged one per line, then summed up.
pub fn combine(failed: Vec<(String, Error)>, not_started: &[String]) -> Result<()> {
    let Some(kind) = failed.iter().map(|(_, e)| e.kind).max_by_key(|k| k.severity()) else { return Ok(()) };
    let mut groups: Vec<(String, Vec<&(String, Error)>)> = Vec::new();
    for f in &failed {
        let key = without_name(f.1.message(), &f.0);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(f),
            None => groups.push((key, vec![f])),
        }
    }
    let lines: Vec<String> = groups.iter().map(|(_, members)| one_line(members)).collect();
    let mut message = match lines.as_slice() {
        [only] => only.clone(),
        _ => {
            for l in &lines {
                log::error!("{l}");
            }
            let names: Vec<String> = failed.iter().map(|(n, e)| format!("{n} (exit {})", e.exit_code())).collect();
            format!("{} targets failed: {} (each error is above)", failed.len(), names.join(", "))
        }
    };
    if !not_started.is_empty() {
        let _ = write!(
            message,
            "; not started after that failure: {} (run again, or pass --keep-going to run them anyway)",
            not_started.join(", ")
        );
    }
    Err(Error::new(kind, message))
}

/// Where `name` stands alone in `message` (not inside a longer word).
fn name_at(message: &str, name: &str) -> Vec<usize> {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    message
        .match_indices(name)
        .map(|(i, _)| i)
        .filter(|&i| !message[..i].chars().next_back().is_some_and(word) && !message[i + name.len()..].chars().next().is_some_and(word))
        .collect()
}

/// The message with its target's name taken out, to compare with others.
fn without_name(message: &str, name: &str) -> String {
    let mut out = message.to_string();
    for i in name_at(message, name).into_iter().rev() {
        out.replace_range(i..i + name.len(), "\u{0}");
    }
    out
}

/// One line for targets that failed alike: the first one's message with the
/// names of all of them where its name stands, or after `[names]`.
fn one_line(members: &[&(String, Error)]) -> String {
    let (name, e) = members[0];
    let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    match name_at(e.message(), name).first() {
        Some(&i) => format!("{}{}{}", &e.message()[..i], names.join(", "), &e.message()[i + name.len()..]),
        None => format!("[{}] {}", names.join(", "), e.message()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Kind;

    fn targets(names: &[&str]) -> Vec<Target> {
        names
            .iter()
            .map(|n| Target {
                name: n.to_string(),
                schema: crate::registry::find("morse").unwrap(),
                url: crate::db::DbUrl::parse(&format!("postgres://u@h/{n}")).unwrap(),
                create_database: false,
            })
            .collect()
    }

    #[test]
    fn shards_parse_and_cover_every_target_exactly_once() {
        assert_eq!("2/4".parse::<Shard>().unwrap(), Shard { index: 2, count: 4 });
        for bad in ["4/4", "1", "a/2", "0/0", "-1/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let names: Vec<String> = (0..300).map(|i| format!("tenant-{i}")).collect();
        let shards: Vec<Shard> = (0..4).map(|i| Shard { index: i, count: 4 }).collect();
        for n in &names {
            assert_eq!(shards.iter().filter(|s| s.contains(n)).count(), 1, "{n}");
        }
        for s in &shards {
            let size = names.iter().filter(|n| s.contains(n)).count();
            assert!((45..=105).contains(&size), "shard {s:?} has {size} of 300");
        }
    }

    #[test]
    fn results_come_back_in_profile_order_with_their_stdout() {
        let ts = targets(&["a", "b", "c", "d", "e"]);
        let out = run_each(&ts, Jobs { max: Some(3), keep_going: false }, true, |e, out| {
            std::thread::sleep(std::time::Duration::from_millis(if e.name == "a" { 30 } else { 1 }));
            out.push_str(&format!("{}\n", e.name));
            Ok(e.name.len())
        });
        let names: Vec<&str> = out.iter().map(|f| f.stdout.trim()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "e"]);
        assert_eq!(finish(out).unwrap(), vec![1; 5]);
    }

    #[test]
    fn after_a_failure_no_new_target_starts_unless_keep_going() {
        let ts = targets(&["a", "b", "c"]);
        let work = |e: &Target, _: &mut String| if e.name == "a" { Err(Error::failed("a broke")) } else { Ok(()) };
        let serial = Jobs { max: Some(1), keep_going: false };
        let out = run_each(&ts, serial, true, work);
        assert!(out[1].result.is_none() && out[2].result.is_none());
        let e = finish(out).unwrap_err();
        assert_eq!(e.kind, Kind::Failed);
        assert!(e.message().starts_with("a broke; not started after that failure: b, c"), "{e}");
        let out = run_each(&ts, Jobs { keep_going: true, ..serial }, true, work);
        assert!(out.iter().all(|f| f.result.is_some()));
        assert_eq!(finish(out).unwrap_err().message(), "a broke");
        // Read-only commands report every target whatever happens.
        assert!(run_each(&ts, serial, false, work).iter().all(|f| f.result.is_some()));
    }

    #[test]
    fn failures_alike_but_for_the_name_are_one_line() {
        let old = |n: &str| (n.to_string(), Error::usage(format!("target {n}: PostgreSQL 13.2 is not supported")));
        let e = combine(vec![old("tenant-1"), old("tenant-12"), old("t")], &[]).unwrap_err();
        assert_eq!(e.message(), "target tenant-1, tenant-12, t: PostgreSQL 13.2 is not supported");
        assert_eq!(e.exit_code(), 2);
        // A name inside a longer word is not the name.
        assert_eq!(without_name("tenant-12 and tenant-1", "tenant-1"), "tenant-12 and \u{0}");
        let other = ("b".to_string(), Error::failed("V2 failed"));
        let e = combine(vec![old("a"), other], &[]).unwrap_err();
        assert_eq!(e.message(), "2 targets failed: a (exit 2), b (exit 4) (each error is above)");
    }

    #[test]
    fn the_most_severe_failure_decides_the_exit_code() {
        let failed = vec![("a".to_string(), Error::problems("p")), ("b".to_string(), Error::unreachable("u")), ("c".to_string(), Error::lock_timeout("l"))];
        let e = combine(failed, &[]).unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert!(e.message().contains("a (exit 1), b (exit 3), c (exit 5)"), "{e}");
    }

    #[test]
    fn workers_default_to_the_targets_at_most_eight() {
        assert_eq!(Jobs::default().workers(6), 6);
        assert_eq!(Jobs::default().workers(100), 8);
        assert_eq!(Jobs { max: Some(20), keep_going: false }.workers(100), 20);
        assert_eq!(Jobs { max: Some(4), keep_going: false }.workers(2), 2);
    }
}
