use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use chrono::Duration;

use crate::error::{Decision, DomainError};
use crate::values::CountryCode;

use super::{
    DeliveryOutcome, Language, Preferences, SubscriberCommand, SubscriberEvent, SUPPRESS_AFTER,
};

/// How long a confirmation link works.
pub const CONFIRMATION_LIFETIME: Duration = Duration::hours(48);

/// At most one confirmation mail per address in this time.
pub const CONFIRMATION_INTERVAL: Duration = Duration::hours(1);

/// Where a subscription stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SubscriberStatus {
    Pending,
    Confirmed,
    Unsubscribed,
    Erased,
    /// Refused for good by the mail server too often: no digests until confirmed again.
    Suppressed,
}

/// The state of one subscriber.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Subscriber {
    status: Option<SubscriberStatus>,
    preferences: Preferences,
    /// Every confirmation link sent and not used: (SHA-256 of its secret, expiry). Any of them
    /// confirms while it has not expired.
    links: Vec<(String, DateTime<Utc>)>,
    /// Digests refused for good since the last one delivered.
    failures_in_a_row: u32,
}

impl Subscriber {
    pub fn status(&self) -> Option<SubscriberStatus> {
        self.status
    }
    pub fn countries(&self) -> &[CountryCode] {
        &self.preferences.countries
    }
    pub fn language(&self) -> Language {
        self.preferences.language
    }
    pub fn preferences(&self) -> &Preferences {
        &self.preferences
    }
    pub fn failures_in_a_row(&self) -> u32 {
        self.failures_in_a_row
    }

    pub fn decide(&self, command: SubscriberCommand) -> Decision<SubscriberEvent> {
        use SubscriberCommand as C;
        use SubscriberEvent as E;
        use SubscriberStatus::*;
        let status = self.status;
        if status == Some(Erased) {
            return Err(DomainError::not_found("the subscriber was erased"));
        }
        match (command, status) {
            (
                C::Request {
                    preferences,
                    token_hash,
                    expires_at,
                },
                None | Some(Pending | Unsubscribed | Suppressed),
            ) => {
                // A link went out less than an hour ago: no second mail (and nothing to record).
                let requested_now = expires_at - CONFIRMATION_LIFETIME;
                let sent_lately = status == Some(Pending)
                    && self.links.iter().any(|(_, at)| {
                        *at - CONFIRMATION_LIFETIME > requested_now - CONFIRMATION_INTERVAL
                    });
                if sent_lately {
                    return Ok(vec![]);
                }
                let Preferences {
                    countries,
                    principles,
                    language,
                    frequency,
                } = preferences.normalized();
                Ok(vec![E::SubscriptionRequested {
                    countries,
                    principles,
                    language,
                    frequency,
                    token_hash,
                    expires_at,
                }])
            }
            (C::Request { .. }, Some(_)) => Err(DomainError::conflict(crate::reason!(
                "subscription-already-confirmed",
                "the subscription is already confirmed"
            ))),
            (_, None) => Err(DomainError::not_found("no such subscriber")),
            (C::Confirm { token_hash, now }, Some(Pending)) => {
                let valid = self
                    .links
                    .iter()
                    .any(|(hash, at)| *hash == token_hash && now <= *at);
                if !valid {
                    return Err(DomainError::invalid(
                        "token",
                        crate::reason!(
                            "confirmation-link-invalid-or-expired",
                            "the confirmation link is invalid or has expired; subscribe again"
                        ),
                    ));
                }
                Ok(vec![E::SubscriptionConfirmed])
            }
            (C::Confirm { .. }, _) => Err(DomainError::conflict(crate::reason!(
                "no-pending-subscription-confirm",
                "there is no pending subscription to confirm"
            ))),
            (C::ChangePreferences(preferences), Some(Confirmed | Pending | Suppressed)) => {
                let preferences = preferences.normalized();
                if preferences == self.preferences {
                    // Saving the same choice again records nothing.
                    return Ok(vec![]);
                }
                let Preferences {
                    countries,
                    principles,
                    language,
                    frequency,
                } = preferences;
                Ok(vec![E::PreferencesChanged {
                    countries,
                    principles,
                    language,
                    frequency,
                }])
            }
            (C::ChangePreferences(_), _) => Err(DomainError::conflict(crate::reason!(
                "subscriber-unsubscribed",
                "the subscriber has unsubscribed"
            ))),
            (C::Unsubscribe, Some(Pending | Confirmed | Suppressed)) => Ok(vec![E::Unsubscribed]),
            (C::Unsubscribe, _) => Err(DomainError::conflict(crate::reason!(
                "already-unsubscribed",
                "already unsubscribed"
            ))),
            (C::Erase, Some(_)) => Ok(vec![E::SubscriberErased]),
            // Only a confirmed address is counted: one that left or is suppressed already
            // gets nothing more.
            (C::RecordDelivery(outcome), Some(Confirmed)) => Ok(match outcome {
                DeliveryOutcome::Delivered if self.failures_in_a_row > 0 => {
                    vec![E::FailuresCleared]
                }
                DeliveryOutcome::Delivered => vec![],
                DeliveryOutcome::PermanentFailure => {
                    let in_a_row = self.failures_in_a_row + 1;
                    let mut events = vec![E::PermanentFailureCounted { in_a_row }];
                    if in_a_row >= SUPPRESS_AFTER {
                        events.push(E::AddressSuppressed);
                    }
                    events
                }
            }),
            (C::RecordDelivery(_), Some(_)) => Ok(vec![]),
        }
    }

    pub fn evolve(&mut self, event: SubscriberEvent) {
        use SubscriberEvent as E;
        match &event {
            E::SubscriptionRequested {
                token_hash,
                expires_at,
                ..
            } => {
                if self.status != Some(SubscriberStatus::Pending) {
                    self.links.clear();
                }
                self.status = Some(SubscriberStatus::Pending);
                self.links.push((token_hash.clone(), *expires_at));
                self.preferences = event.preferences().unwrap_or_default();
            }
            E::SubscriptionConfirmed => {
                self.status = Some(SubscriberStatus::Confirmed);
                self.links.clear();
                self.failures_in_a_row = 0;
            }
            E::PreferencesChanged { .. } => {
                self.preferences = event.preferences().unwrap_or_default();
            }
            E::Unsubscribed => self.status = Some(SubscriberStatus::Unsubscribed),
            E::PermanentFailureCounted { in_a_row } => self.failures_in_a_row = *in_a_row,
            E::FailuresCleared => self.failures_in_a_row = 0,
            E::AddressSuppressed => self.status = Some(SubscriberStatus::Suppressed),
            E::SubscriberErased => {
                *self = Self {
                    status: Some(SubscriberStatus::Erased),
                    ..Self::default()
                }
            }
        }
    }
}

crate::event_sourced!(Subscriber, "subscriber", SubscriberCommand, SubscriberEvent);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::given;
    use crate::subscriber::Frequency;
    use crate::values::PrincipleCode;
    use chrono::Duration;
    use SubscriberCommand as C;
    use SubscriberEvent as E;

    fn now() -> DateTime<Utc> {
        "2026-11-20T10:00:00Z".parse().unwrap()
    }
    fn requested() -> E {
        E::SubscriptionRequested {
            countries: vec![CountryCode::parse("KEN").unwrap()],
            principles: vec![],
            language: Language::Fr,
            frequency: Frequency::Weekly,
            token_hash: "h1".into(),
            expires_at: now() + Duration::hours(48),
        }
    }

    #[test]
    fn a_second_request_within_the_hour_sends_nothing_and_every_link_sent_confirms() {
        let first = requested();
        let state = given::<Subscriber>(vec![first.clone()]);
        let again = |hash: &str, after: Duration| C::Request {
            preferences: Preferences::default(),
            token_hash: hash.into(),
            expires_at: now() + Duration::hours(48) + after,
        };
        assert_eq!(state.decide(again("h2", Duration::minutes(59))), Ok(vec![]));
        let later = state.decide(again("h2", Duration::minutes(61))).unwrap();
        let state = given::<Subscriber>([vec![first], later].concat());
        for hash in ["h1", "h2"] {
            assert_eq!(
                state.decide(C::Confirm {
                    token_hash: hash.into(),
                    now: now() + Duration::hours(2)
                }),
                Ok(vec![E::SubscriptionConfirmed]),
                "{hash}"
            );
        }
    }

    #[test]
    fn confirmation_needs_the_right_token_before_it_expires() {
        let state = given::<Subscriber>(vec![requested()]);
        let ok = state.decide(C::Confirm {
            token_hash: "h1".into(),
            now: now(),
        });
        assert_eq!(ok.unwrap(), vec![E::SubscriptionConfirmed]);
        assert!(matches!(
            state.decide(C::Confirm {
                token_hash: "wrong".into(),
                now: now()
            }),
            Err(DomainError::Invalid(_))
        ));
        assert!(matches!(
            state.decide(C::Confirm {
                token_hash: "h1".into(),
                now: now() + Duration::hours(49)
            }),
            Err(DomainError::Invalid(_))
        ));
    }

    #[test]
    fn a_confirmed_subscriber_cannot_confirm_twice_and_can_unsubscribe_once() {
        let state = given::<Subscriber>(vec![requested(), E::SubscriptionConfirmed]);
        assert!(matches!(
            state.decide(C::Confirm {
                token_hash: "h1".into(),
                now: now()
            }),
            Err(DomainError::Conflict(_))
        ));
        assert_eq!(state.decide(C::Unsubscribe).unwrap(), vec![E::Unsubscribed]);
        let gone =
            given::<Subscriber>(vec![requested(), E::SubscriptionConfirmed, E::Unsubscribed]);
        assert!(matches!(
            gone.decide(C::Unsubscribe),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn an_unsubscribed_address_may_subscribe_again() {
        let gone = given::<Subscriber>(vec![requested(), E::Unsubscribed]);
        assert!(gone
            .decide(C::Request {
                preferences: Preferences::default(),
                token_hash: "h2".into(),
                expires_at: now(),
            })
            .is_ok());
    }

    #[test]
    fn an_erased_subscriber_is_gone_for_every_command() {
        let erased = given::<Subscriber>(vec![requested(), E::SubscriberErased]);
        assert_eq!(erased.status(), Some(SubscriberStatus::Erased));
        assert!(erased.countries().is_empty());
        assert!(matches!(
            erased.decide(C::Erase),
            Err(DomainError::NotFound(_))
        ));
        assert!(matches!(
            erased.decide(C::Unsubscribe),
            Err(DomainError::NotFound(_))
        ));
    }

    #[test]
    fn unchanged_preferences_record_nothing() {
        let state = given::<Subscriber>(vec![requested(), E::SubscriptionConfirmed]);
        assert_eq!(
            state.decide(C::ChangePreferences(Preferences {
                countries: vec![CountryCode::parse("KEN").unwrap()],
                language: Language::Fr,
                ..Preferences::default()
            })),
            Ok(vec![])
        );
        let monthly = state
            .decide(C::ChangePreferences(Preferences {
                countries: vec![CountryCode::parse("KEN").unwrap()],
                principles: vec![PrincipleCode::parse("F8").unwrap()],
                language: Language::Fr,
                frequency: Frequency::Monthly,
            }))
            .unwrap();
        let state =
            given::<Subscriber>([vec![requested(), E::SubscriptionConfirmed], monthly].concat());
        assert_eq!(state.preferences().frequency, Frequency::Monthly);
        assert_eq!(state.preferences().principles.len(), 1);
    }

    /// The events `outcomes` record, one after the other, from `state`.
    fn record(state: &mut Subscriber, outcomes: &[DeliveryOutcome]) -> Vec<E> {
        let mut all = vec![];
        for outcome in outcomes {
            let events = state.decide(C::RecordDelivery(*outcome)).unwrap();
            for e in &events {
                state.evolve(e.clone());
            }
            all.extend(events);
        }
        all
    }

    #[test]
    fn three_permanent_failures_in_a_row_suppress_the_address_until_it_confirms_again() {
        use DeliveryOutcome::{Delivered, PermanentFailure};
        let mut state = given::<Subscriber>(vec![requested(), E::SubscriptionConfirmed]);
        // A delivery between two failures starts the count over; a delivery with no count
        // records nothing.
        let events = record(
            &mut state,
            &[Delivered, PermanentFailure, PermanentFailure, Delivered],
        );
        assert_eq!(
            events,
            vec![
                E::PermanentFailureCounted { in_a_row: 1 },
                E::PermanentFailureCounted { in_a_row: 2 },
                E::FailuresCleared
            ]
        );
        let events = record(
            &mut state,
            &[PermanentFailure, PermanentFailure, PermanentFailure],
        );
        assert_eq!(events.last(), Some(&E::AddressSuppressed));
        assert_eq!(state.status(), Some(SubscriberStatus::Suppressed));
        // Suppressed: nothing more is counted, and only a new confirmation lifts it.
        assert_eq!(record(&mut state, &[PermanentFailure, Delivered]), vec![]);
        let again = state
            .decide(C::Request {
                preferences: Preferences::default(),
                token_hash: "h9".into(),
                expires_at: now() + Duration::hours(48),
            })
            .unwrap();
        for e in again {
            state.evolve(e);
        }
        assert_eq!(state.status(), Some(SubscriberStatus::Pending));
        let confirmed = state
            .decide(C::Confirm {
                token_hash: "h9".into(),
                now: now(),
            })
            .unwrap();
        for e in confirmed {
            state.evolve(e);
        }
        assert_eq!(state.status(), Some(SubscriberStatus::Confirmed));
        assert_eq!(state.failures_in_a_row(), 0);
        assert_eq!(
            record(&mut state, &[PermanentFailure]),
            vec![E::PermanentFailureCounted { in_a_row: 1 }]
        );
    }
}
