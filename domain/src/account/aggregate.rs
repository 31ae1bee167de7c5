use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::{Decision, DomainError};
use crate::subscriber::{Digits, Language};
use crate::values::{CountryCode, Email, Role, Title};

use super::{AccountCommand, AccountEvent};

/// The state of one account.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Account {
    email: Option<Email>,
    name: Option<Title>,
    role: Option<Role>,
    countries: BTreeSet<CountryCode>,
    password_hash: Option<String>,
    disabled: bool,
    /// Bumped by every new password and revocation: a token names the generation it was
    /// issued in and works only while that is the account's.
    token_generation: u32,
    /// The password was made for the account and must be changed before anything else.
    #[serde(default)]
    must_change_password: bool,
    /// The language chosen for the pages.
    #[serde(default)]
    language: Option<Language>,
    /// The digits chosen for the pages.
    #[serde(default)]
    digits: Digits,
    /// The key of the enrolled second factor's stored secret.
    #[serde(default)]
    second_factor: Option<String>,
    /// The organisation's provider and the account's subject there.
    #[serde(default)]
    organisation: Option<(String, String)>,
    /// Signs in only through the organisation: the password does not work.
    #[serde(default)]
    organisation_only: bool,
}

impl Account {
    pub fn exists(&self) -> bool {
        self.email.is_some()
    }
    pub fn email(&self) -> Option<&Email> {
        self.email.as_ref()
    }
    pub fn name(&self) -> Option<&Title> {
        self.name.as_ref()
    }
    pub fn role(&self) -> Option<Role> {
        self.role
    }
    pub fn countries(&self) -> &BTreeSet<CountryCode> {
        &self.countries
    }
    pub fn password_hash(&self) -> Option<&str> {
        self.password_hash.as_deref()
    }
    pub fn is_disabled(&self) -> bool {
        self.disabled
    }
    pub fn token_generation(&self) -> u32 {
        self.token_generation
    }
    /// Whether the password must be changed before anything else (a one-time password).
    pub fn must_change_password(&self) -> bool {
        self.must_change_password
    }
    pub fn language(&self) -> Option<Language> {
        self.language
    }
    pub fn digits(&self) -> Digits {
        self.digits
    }
    /// The key under which the enrolled second factor's secret is stored, if one is.
    pub fn second_factor(&self) -> Option<&str> {
        self.second_factor.as_deref()
    }
    /// The provider's issuer and the account's subject there, once linked.
    pub fn organisation(&self) -> Option<(&str, &str)> {
        self.organisation
            .as_ref()
            .map(|(i, s)| (i.as_str(), s.as_str()))
    }
    /// Whether the account signs in only through the organisation (its password is refused).
    pub fn organisation_only(&self) -> bool {
        self.organisation_only
    }

    pub fn decide(&self, command: AccountCommand) -> Decision<AccountEvent> {
        use AccountCommand as C;
        use AccountEvent as E;
        let Some(role) = self.role else {
            let created = |email, name, role, countries: Vec<CountryCode>| {
                let countries: BTreeSet<_> = countries.into_iter().collect();
                E::AccountCreated {
                    email,
                    name,
                    role,
                    countries: countries.into_iter().collect(),
                }
            };
            return match command {
                C::Create {
                    email,
                    name,
                    role,
                    countries,
                    password_hash,
                } => {
                    let mut events = vec![created(email, name, role, countries)];
                    if let Some(password_hash) = password_hash {
                        events.push(E::PasswordSet { password_hash });
                    }
                    Ok(events)
                }
                C::CreateWithOneTimePassword {
                    email,
                    name,
                    role,
                    countries,
                    password_hash,
                } => Ok(vec![
                    created(email, name, role, countries),
                    E::PasswordSet { password_hash },
                    E::PasswordChangeRequired,
                ]),
                _ => Err(DomainError::not_found("no such account")),
            };
        };
        if self.disabled {
            return match command {
                C::Enable => Ok(vec![E::AccountEnabled]),
                _ => Err(DomainError::conflict(crate::reason!(
                    "account-disabled",
                    "the account is disabled"
                ))),
            };
        }
        match command {
            C::Create { .. } | C::CreateWithOneTimePassword { .. } => {
                Err(DomainError::conflict(crate::reason!(
                    "account-e-mail-address-already",
                    "an account with this e-mail address already exists"
                )))
            }
            C::ChangeRole {
                role: to,
                countries,
            } => {
                let mut events = Vec::new();
                if to != role {
                    events.push(E::RoleChanged { from: role, to });
                }
                if let Some(wanted) = countries {
                    let wanted: BTreeSet<CountryCode> = wanted.into_iter().collect();
                    let granted: Vec<_> = wanted.difference(&self.countries).copied().collect();
                    let revoked: Vec<_> = self.countries.difference(&wanted).copied().collect();
                    if !granted.is_empty() {
                        events.push(E::CountriesGranted { countries: granted });
                    }
                    if !revoked.is_empty() {
                        events.push(E::CountriesRevoked { countries: revoked });
                    }
                }
                if events.is_empty() {
                    return Err(DomainError::conflict(crate::reason!(
                        "account-already-role-countries",
                        "the account already has this role and these countries"
                    )));
                }
                Ok(events)
            }
            C::GrantCountries { countries } => {
                let wanted: BTreeSet<CountryCode> = countries.into_iter().collect();
                let new: Vec<_> = wanted.difference(&self.countries).copied().collect();
                if new.is_empty() {
                    return Err(DomainError::conflict(crate::reason!(
                        "account-act-countries-already",
                        "the account may act in these countries already"
                    )));
                }
                Ok(vec![E::CountriesGranted { countries: new }])
            }
            C::RevokeCountries { countries } => {
                let wanted: BTreeSet<CountryCode> = countries.into_iter().collect();
                let held: Vec<_> = wanted.intersection(&self.countries).copied().collect();
                if held.is_empty() {
                    return Err(DomainError::not_found(
                        "the account does not act in these countries",
                    ));
                }
                Ok(vec![E::CountriesRevoked { countries: held }])
            }
            C::SetPassword { password_hash } => Ok(vec![E::PasswordSet { password_hash }]),
            C::RevokeTokens => Ok(vec![E::TokensRevoked]),
            C::SetLanguage { language, digits } => Ok(vec![E::LanguageSet { language, digits }]),
            C::Disable => Ok(vec![E::AccountDisabled]),
            C::Enable => Err(DomainError::conflict(crate::reason!(
                "account-not-disabled",
                "the account is not disabled"
            ))),
            C::EnrolSecondFactor { .. } if self.second_factor.is_some() => {
                Err(DomainError::conflict(crate::reason!(
                    "second-factor-already",
                    "the account has a second factor already"
                )))
            }
            C::EnrolSecondFactor { key } => Ok(vec![E::SecondFactorEnrolled { key }]),
            C::UseRecoveryCode | C::ResetSecondFactor { .. } if self.second_factor.is_none() => {
                Err(DomainError::conflict(crate::reason!(
                    "no-second-factor",
                    "the account has no second factor"
                )))
            }
            C::UseRecoveryCode => Ok(vec![E::RecoveryCodeUsed]),
            C::ResetSecondFactor { reason } => Ok(vec![E::SecondFactorReset { reason }]),
            C::LinkOrganisation { issuer, subject } => match &self.organisation {
                None => Ok(vec![E::OrganisationLinked { issuer, subject }]),
                Some((i, s)) if *i == issuer && *s == subject => Ok(vec![]),
                Some(_) => Err(DomainError::conflict(crate::reason!(
                    "organisation-linked-other",
                    "the account is linked to another identity of the organisation"
                ))),
            },
            C::UnlinkOrganisation if self.organisation.is_none() => {
                Err(DomainError::conflict(crate::reason!(
                    "organisation-not-linked",
                    "the account is not linked to the organisation"
                )))
            }
            C::UnlinkOrganisation => Ok(vec![E::OrganisationUnlinked]),
            C::SetOrganisationOnly { only } if only == self.organisation_only => Ok(vec![]),
            C::SetOrganisationOnly { only } => Ok(vec![E::OrganisationOnlySet { only }]),
        }
    }

    pub fn evolve(&mut self, event: AccountEvent) {
        use AccountEvent as E;
        match event {
            E::AccountCreated {
                email,
                name,
                role,
                countries,
            } => {
                self.email = Some(email);
                self.name = Some(name);
                self.role = Some(role);
                self.countries = countries.into_iter().collect();
            }
            E::RoleChanged { to, .. } => self.role = Some(to),
            E::CountriesGranted { countries } => self.countries.extend(countries),
            E::CountriesRevoked { countries } => {
                for c in countries {
                    self.countries.remove(&c);
                }
            }
            E::PasswordSet { password_hash } => {
                self.password_hash = Some(password_hash);
                self.token_generation += 1;
                self.must_change_password = false;
            }
            E::PasswordChangeRequired => self.must_change_password = true,
            E::TokensRevoked => self.token_generation += 1,
            E::LanguageSet { language, digits } => {
                self.language = Some(language);
                self.digits = digits;
            }
            E::AccountDisabled => self.disabled = true,
            E::AccountEnabled => {
                self.disabled = false;
                self.token_generation += 1;
            }
            E::SecondFactorEnrolled { key } => self.second_factor = Some(key),
            E::RecoveryCodeUsed => {}
            E::SecondFactorReset { .. } => {
                self.second_factor = None;
                // Whoever holds the lost factor's sessions is signed out.
                self.token_generation += 1;
            }
            E::OrganisationLinked { issuer, subject } => {
                self.organisation = Some((issuer, subject));
            }
            E::OrganisationUnlinked => {
                self.organisation = None;
                // The sessions the identity opened end with the link.
                self.token_generation += 1;
            }
            E::OrganisationOnlySet { only } => {
                self.organisation_only = only;
                if only {
                    // Sessions opened with the password end with it.
                    self.token_generation += 1;
                }
            }
        }
    }
}

crate::event_sourced!(Account, "account", AccountCommand, AccountEvent);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::given;
    use crate::values::Title;
    use AccountCommand as C;
    use AccountEvent as E;

    fn cc(c: &str) -> CountryCode {
        CountryCode::parse(c).unwrap()
    }
    fn created(role: Role, countries: &[&str]) -> E {
        E::AccountCreated {
            email: Email::parse("amina@example.org").unwrap(),
            name: Title::parse("Amina").unwrap(),
            role,
            countries: countries.iter().map(|c| cc(c)).collect(),
        }
    }

    #[test]
    fn creating_an_account_with_a_password_records_both() {
        let events = given::<Account>(vec![])
            .decide(C::Create {
                email: Email::parse("amina@example.org").unwrap(),
                name: Title::parse("Amina").unwrap(),
                role: Role::FocalPoint,
                countries: vec![cc("KEN"), cc("KEN")],
                password_hash: Some("$argon2id$hash".into()),
            })
            .unwrap();
        assert_eq!(
            events,
            vec![
                created(Role::FocalPoint, &["KEN"]),
                E::PasswordSet {
                    password_hash: "$argon2id$hash".into()
                }
            ]
        );
    }

    #[test]
    fn an_account_is_created_once() {
        let err = given::<Account>(vec![created(Role::Viewer, &[])])
            .decide(C::Create {
                email: Email::parse("amina@example.org").unwrap(),
                name: Title::parse("Amina").unwrap(),
                role: Role::Viewer,
                countries: vec![],
                password_hash: None,
            })
            .unwrap_err();
        assert!(matches!(err, DomainError::Conflict(_)));
    }

    #[test]
    fn changing_role_and_countries_records_the_differences() {
        let state = given::<Account>(vec![created(Role::FocalPoint, &["KEN", "UGA"])]);
        let events = state
            .decide(C::ChangeRole {
                role: Role::FocalPoint,
                countries: Some(vec![cc("UGA"), cc("RWA")]),
            })
            .unwrap();
        assert_eq!(
            events,
            vec![
                E::CountriesGranted {
                    countries: vec![cc("RWA")]
                },
                E::CountriesRevoked {
                    countries: vec![cc("KEN")]
                }
            ]
        );
        let state =
            given::<Account>([vec![created(Role::FocalPoint, &["KEN", "UGA"])], events].concat());
        assert_eq!(
            state
                .countries()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
            vec!["RWA", "UGA"]
        );
        assert!(matches!(
            state.decide(C::ChangeRole {
                role: Role::FocalPoint,
                countries: None
            }),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn a_disabled_account_takes_no_more_changes() {
        let state = given::<Account>(vec![created(Role::Admin, &[]), E::AccountDisabled]);
        assert!(state.is_disabled());
        for cmd in [
            C::Disable,
            C::SetPassword {
                password_hash: "x".into(),
            },
            C::ChangeRole {
                role: Role::Viewer,
                countries: None,
            },
        ] {
            assert!(matches!(state.decide(cmd), Err(DomainError::Conflict(_))));
        }
    }

    #[test]
    fn a_new_password_and_a_revocation_each_start_a_new_token_generation() {
        let mut state = given::<Account>(vec![created(Role::Viewer, &[])]);
        assert_eq!(state.token_generation(), 0);
        for cmd in [
            C::SetPassword {
                password_hash: "h".into(),
            },
            C::RevokeTokens,
        ] {
            for e in state.decide(cmd).unwrap() {
                state.evolve(e);
            }
        }
        assert_eq!(state.token_generation(), 2);
    }

    #[test]
    fn countries_are_granted_and_revoked_one_by_one() {
        let state = given::<Account>(vec![created(Role::FocalPoint, &["KEN"])]);
        assert_eq!(
            state
                .decide(C::GrantCountries {
                    countries: vec![cc("KEN"), cc("UGA")]
                })
                .unwrap(),
            vec![E::CountriesGranted {
                countries: vec![cc("UGA")]
            }]
        );
        assert!(matches!(
            state.decide(C::GrantCountries {
                countries: vec![cc("KEN")]
            }),
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            state.decide(C::RevokeCountries {
                countries: vec![cc("BRA")]
            }),
            Err(DomainError::NotFound(_))
        ));
    }

    #[test]
    fn a_disabled_account_enabled_again_takes_changes_but_not_its_old_tokens() {
        let state = given::<Account>(vec![created(Role::Viewer, &[]), E::AccountDisabled]);
        let before = state.token_generation();
        assert_eq!(state.decide(C::Enable).unwrap(), vec![E::AccountEnabled]);
        let state = given::<Account>(vec![
            created(Role::Viewer, &[]),
            E::AccountDisabled,
            E::AccountEnabled,
        ]);
        assert!(!state.is_disabled());
        assert!(state.token_generation() > before);
        assert!(matches!(
            state.decide(C::Enable),
            Err(DomainError::Conflict(_))
        ));
        assert!(state.decide(C::RevokeTokens).is_ok());
    }

    #[test]
    fn a_one_time_password_must_be_changed_and_a_new_password_ends_that() {
        let events = given::<Account>(vec![])
            .decide(C::CreateWithOneTimePassword {
                email: Email::parse("amina@example.org").unwrap(),
                name: Title::parse("Amina").unwrap(),
                role: Role::Viewer,
                countries: vec![],
                password_hash: "$argon2id$hash".into(),
            })
            .unwrap();
        assert_eq!(events.last(), Some(&E::PasswordChangeRequired));
        let mut state = given::<Account>(events);
        assert!(state.must_change_password());
        assert_eq!(state.password_hash(), Some("$argon2id$hash"));
        for e in state
            .decide(C::SetPassword {
                password_hash: "h2".into(),
            })
            .unwrap()
        {
            state.evolve(e);
        }
        assert!(!state.must_change_password());
    }

    #[test]
    fn a_second_factor_is_enrolled_once_and_a_reset_signs_its_sessions_out() {
        let key = || C::EnrolSecondFactor { key: "k1".into() };
        let mut state = given::<Account>(vec![created(Role::Admin, &[])]);
        assert!(matches!(
            state.decide(C::UseRecoveryCode),
            Err(DomainError::Conflict(_))
        ));
        for e in state.decide(key()).unwrap() {
            state.evolve(e);
        }
        assert_eq!(state.second_factor(), Some("k1"));
        assert!(matches!(state.decide(key()), Err(DomainError::Conflict(_))));
        assert_eq!(
            state.decide(C::UseRecoveryCode).unwrap(),
            vec![E::RecoveryCodeUsed]
        );
        let before = state.token_generation();
        let reason = Title::parse("lost phone").unwrap();
        for e in state
            .decide(C::ResetSecondFactor {
                reason: reason.clone(),
            })
            .unwrap()
        {
            state.evolve(e);
        }
        assert_eq!(state.second_factor(), None);
        assert!(state.token_generation() > before);
        assert!(matches!(
            state.decide(C::ResetSecondFactor { reason }),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn the_first_link_to_the_organisation_decides_and_another_subject_is_refused() {
        let link = |sub: &str| C::LinkOrganisation {
            issuer: "https://login.example.org".into(),
            subject: sub.into(),
        };
        let mut state = given::<Account>(vec![created(Role::ProgrammeManager, &[])]);
        let events = state.decide(link("abc")).unwrap();
        assert_eq!(events.len(), 1);
        for e in events {
            state.evolve(e);
        }
        assert_eq!(
            state.organisation(),
            Some(("https://login.example.org", "abc"))
        );
        assert_eq!(state.decide(link("abc")).unwrap(), vec![]);
        assert!(matches!(
            state.decide(link("xyz")),
            Err(DomainError::Conflict(_))
        ));
        let before = state.token_generation();
        for e in state.decide(C::SetOrganisationOnly { only: true }).unwrap() {
            state.evolve(e);
        }
        assert!(state.organisation_only());
        assert!(state.token_generation() > before);
        assert_eq!(
            state.decide(C::SetOrganisationOnly { only: true }).unwrap(),
            vec![]
        );
        let events = state.decide(C::UnlinkOrganisation).unwrap();
        assert_eq!(events, vec![E::OrganisationUnlinked]);
        let before = state.token_generation();
        for e in events {
            state.evolve(e);
        }
        assert_eq!(state.organisation(), None);
        assert!(state.token_generation() > before);
    }

    #[test]
    fn commands_on_a_missing_account_are_not_found() {
        assert!(matches!(
            given::<Account>(vec![]).decide(C::Disable),
            Err(DomainError::NotFound(_))
        ));
    }
}
