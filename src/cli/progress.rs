//! The one place that touches indicatif. Bars draw on stderr, never stdout, and hide
//! themselves when stderr is not a terminal (or TERM is dumb), or when the user asks for quiet.

use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
    /// No known length: steps are counted, and phases name what the work is doing.
    counting: bool,
}

impl Progress {
    /// A bar over `length` steps of work described by `what` ("replications"). A length of
    /// 0 means the number of steps is not known (a plan's search): the steps are counted
    /// instead, with no ETA that would be a guess, and each phase says what is being done.
    pub fn new(length: u64, what: &str, quiet: bool) -> Progress {
        let counting = length == 0;
        let bar = if quiet {
            ProgressBar::hidden()
        } else if counting {
            ProgressBar::no_length()
        } else {
            ProgressBar::new(length)
        };
        let template = if counting {
            "{spinner} {msg} ({pos} {prefix} so far, {elapsed})"
        } else {
            "{spinner} {msg} [{bar:30}] {pos}/{len} {elapsed} eta {eta}"
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix(what.to_string());
        bar.set_message(what.to_string());
        if counting {
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        Progress { bar, counting }
    }

    /// One step done; safe to call from rayon workers.
    pub fn step(&self) {
        self.bar.inc(1);
    }

    /// The steps are done and `what` follows: the bar becomes a spinner with the time so
    /// far, so a long summary or chart rendering is never a silent wait.
    pub fn phase(&self, what: &str) {
        if self.counting {
            self.bar.set_message(what.to_string());
            return;
        }
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
        );
        self.bar.set_message(format!("{what}..."));
        self.bar
            .enable_steady_tick(std::time::Duration::from_millis(120));
    }

    /// A bar over `total` bytes of input files (an import), in bytes read.
    pub fn bytes(total: u64, what: &str, quiet: bool) -> Progress {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(total)
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} {elapsed} eta {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        Progress {
            bar,
            counting: false,
        }
    }

    /// `amount` more done (bytes read, for a bar made by `bytes`).
    pub fn advance(&self, amount: u64) {
        self.bar.inc(amount);
    }

    /// A spinner alone, for work with no steps to count.
    pub fn spinner(what: &str, quiet: bool) -> Progress {
        let progress = Progress::new(1, what, quiet);
        progress.phase(what);
        progress
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
