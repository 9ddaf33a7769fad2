//! `whoruns serve` as a library: the what-if page's model, free of HTTP. The scenario's
//! numbers as levers ([`levers`]), an edit applied through [`crate::edit::set`] and validated
//! by the scenario's parser with each problem beside its lever ([`session`]), answers
//! that sharpen batch by batch with the CLI's seeds ([`sharpen`]), drawn by the report's
//! own code with paired differences against a pin ([`answer`]), and what the reader takes
//! away: the edited scenario and the result folder ([`take`]).

pub mod answer;
pub mod levers;
pub mod session;
pub mod sharpen;
pub mod take;

pub use answer::{Answer, Pin};
pub use levers::{Lever, catalogue};
pub use session::{Applied, Edit, Refusal, apply};
pub use sharpen::{Plan, Standing, sharpen};
