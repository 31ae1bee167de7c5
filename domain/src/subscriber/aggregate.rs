use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use chrono::Duration;

use crate::error::{Decision, DomainError};
use crate::values::CountryCode;

use super::{Language, SubscriberCommand, SubscriberEvent};

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
}

/// The state of one subscriber.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Subscriber {
    status: Option<SubscriberStatus>,
    countries: Vec<CountryCode>,
    language: Language,
    /// Every confirmation link sent and not used: (SHA-256 of its secret, expiry). Any of them
    /// confirms while it has not expired.
    links: Vec<(String, DateTime<Utc>)>,
}

impl Subscriber {
    pub fn status(&self) -> Option<SubscriberStatus> {
        self.status
    }
    pub fn countries(&self) -> &[CountryCode] {
        &self.countries
    }
    pub fn language(&self) -> Language {
        self.language
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
                    mut countries,
                    language,
                    token_hash,
                    expires_at,
                },
                None | Some(Pending | Unsubscribed),
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
                countries.sort();
                countries.dedup();
                Ok(vec![E::SubscriptionRequested {
                    countries,
                    language,
                    token_hash,
                    expires_at,
                }])
            }
            (C::Request { .. }, Some(_)) => Err(DomainError::conflict(
                "the subscription is already confirmed",
            )),
            (_, None) => Err(DomainError::not_found("no such subscriber")),
            (C::Confirm { token_hash, now }, Some(Pending)) => {
                let valid = self
                    .links
                    .iter()
                    .any(|(hash, at)| *hash == token_hash && now <= *at);
                if !valid {
                    return Err(DomainError::invalid(
                        "token",
                        "the confirmation link is invalid or has expired; subscribe again",
                    ));
                }
                Ok(vec![E::SubscriptionConfirmed])
            }
            (C::Confirm { .. }, _) => Err(DomainError::conflict(
                "there is no pending subscription to confirm",
            )),
            (
                C::ChangePreferences {
                    mut countries,
                    language,
                },
                Some(Confirmed | Pending),
            ) => {
                countries.sort();
                countries.dedup();
                if countries == self.countries && language == self.language {
                    // Saving the same choice again records nothing.
                    return Ok(vec![]);
                }
                Ok(vec![E::PreferencesChanged {
                    countries,
                    language,
                }])
            }
            (C::ChangePreferences { .. }, _) => {
                Err(DomainError::conflict("the subscriber has unsubscribed"))
            }
            (C::Unsubscribe, Some(Pending | Confirmed)) => Ok(vec![E::Unsubscribed]),
            (C::Unsubscribe, _) => Err(DomainError::conflict("already unsubscribed")),
            (C::Erase, Some(_)) => Ok(vec![E::SubscriberErased]),
        }
    }

    pub fn evolve(&mut self, event: SubscriberEvent) {
        use SubscriberEvent as E;
        match event {
            E::SubscriptionRequested {
                countries,
                language,
                token_hash,
                expires_at,
            } => {
                if self.status != Some(SubscriberStatus::Pending) {
                    self.links.clear();
                }
                self.status = Some(SubscriberStatus::Pending);
                self.countries = countries;
                self.language = language;
                self.links.push((token_hash, expires_at));
            }
            E::SubscriptionConfirmed => {
                self.status = Some(SubscriberStatus::Confirmed);
                self.links.clear();
            }
            E::PreferencesChanged {
                countries,
                language,
            } => {
                self.countries = countries;
                self.language = language;
            }
            E::Unsubscribed => self.status = Some(SubscriberStatus::Unsubscribed),
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
    use chrono::Duration;
    use SubscriberCommand as C;
    use SubscriberEvent as E;

    fn now() -> DateTime<Utc> {
        "2026-11-20T10:00:00Z".parse().unwrap()
    }
    fn requested() -> E {
        E::SubscriptionRequested {
            countries: vec![CountryCode::parse("KEN").unwrap()],
            language: Language::Fr,
            token_hash: "h1".into(),
            expires_at: now() + Duration::hours(48),
        }
    }

    #[test]
    fn a_second_request_within_the_hour_sends_nothing_and_every_link_sent_confirms() {
        let first = requested();
        let state = given::<Subscriber>(vec![first.clone()]);
        let again = |hash: &str, after: Duration| C::Request {
            countries: vec![],
            language: Language::En,
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
                countries: vec![],
                language: Language::En,
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
            state.decide(C::ChangePreferences {
                countries: vec![CountryCode::parse("KEN").unwrap()],
                language: Language::Fr
            }),
            Ok(vec![])
        );
    }
}
