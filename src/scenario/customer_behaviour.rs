//! What customers do beyond waiting in one queue, as a validated scenario holds it: redials
//! after giving up (`retry`), callbacks that may not reach them, a bot or IVR in front of
//! the agents (`bot`), and a second contact on another channel while the first is still
//! open (`[[duplicates]]`). The engine reads these; validation (`validate/behaviour.rs`)
//! builds them.

use super::Distribution;

/// `[channels.X] retry`: a customer who gives up on the channel (abandons, is refused while
/// it is closed, or whose callback is never reached) tries again with `probability`, after
/// `delay`, on `channel_idx` (the same channel unless another is named).
#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    pub probability: f64,
    pub delay: Distribution,
    pub channel_idx: usize,
    /// Most attempts per customer, the first included (`Retry::NO_LIMIT` when only the
    /// probability bounds them).
    pub attempts: u8,
}

impl Retry {
    /// `attempts` when the scenario gives none: the most a contact can record.
    pub const NO_LIMIT: u8 = u8::MAX;
}

/// `[channels.X] bot`: a first-line stage (chat bot, IVR, portal assistant) every new
/// contact of the channel meets before any agent. It takes `handle_time`, resolves
/// `containment` of them, and hands the rest to agents on `escalate_to`; the context
/// travels with probability `context_preserved`, and a lost context adds
/// `rediscovery_seconds` to the agent's work.
#[derive(Debug, Clone, PartialEq)]
pub struct Bot {
    pub containment: f64,
    pub handle_time: Distribution,
    pub escalate_to: usize,
    pub context_preserved: f64,
    pub rediscovery_seconds: f64,
    /// What one bot conversation costs (licence, platform), for cost per contact.
    pub cost_per_contact: Option<f64>,
}

/// `[channels.X.callback]` attempts: a callback reaches the customer with `reach`; a missed
/// attempt takes the agent `failed_attempt_seconds` and is tried again after `retry_after`,
/// up to `attempts` in all, after which the callback is lost.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackAttempts {
    pub reach: f64,
    pub attempts: u8,
    pub retry_after: Option<Distribution>,
    pub failed_attempt_seconds: f64,
}

impl CallbackAttempts {
    /// Every callback reaches its customer at the first attempt (no `reach` given).
    pub fn always_reached() -> CallbackAttempts {
        CallbackAttempts {
            reach: 1.0,
            attempts: 1,
            retry_after: None,
            failed_attempt_seconds: 0.0,
        }
    }

    pub fn may_fail(&self) -> bool {
        self.reach < 1.0
    }
}

/// `[[duplicates]]`: while a contact of `from_channel` is still open, its customer also
/// contacts `to_channel` with `probability`, `delay` after the first contact arrived. With
/// probability `merged` the second contact is matched to the open one (screen pop: the
/// agent sees both, no extra work); otherwise it is a duplicate an agent works in full.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    pub name: String,
    pub from_channel: usize,
    pub to_channel: usize,
    pub probability: f64,
    pub delay: Distribution,
    pub merged: f64,
}
