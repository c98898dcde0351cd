//! Progress on stderr, drawn only when stderr is a terminal (indicatif hides
//! itself otherwise), so logs and CI output stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Bar(ProgressBar);

impl Bar {
    fn target(show: bool) -> ProgressDrawTarget {
        if show {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        }
    }

    /// A byte counter with a total (uploads).
    pub fn bytes(message: &str, total: u64, show: bool) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(total), Self::target(show));
        bar.set_style(
            ProgressStyle::with_template("{msg:24} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}")
                .expect("template")
                .progress_chars("=> "),
        );
        bar.set_message(message.to_string());
        Bar(bar)
    }

    /// A spinner for a step without a known size.
    pub fn spinner(message: &str, show: bool) -> Bar {
        let bar = ProgressBar::with_draw_target(None, Self::target(show));
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("template"));
        bar.set_message(message.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Bar(bar)
    }

    /// Adds to the total (work found while it is under way).
    pub fn grow(&self, n: u64) {
        self.0.inc_length(n);
    }

    pub fn inc(&self, n: u64) {
        self.0.inc(n);
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
