//! Realistic demo data: about 25 countries with 18 months of history, recorded through the use
//! cases as the demo accounts would have acted (so every rule and right holds), at the times
//! they would have acted; deterministic for a given seed and "now".

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeSet, HashMap};

use safeguards_app::accounts::{self, NewAccount};
use safeguards_app::{
    commitments, engagements, milestones, plans, App, AppError, Caller, Principal,
};
use safeguards_domain::account::account_id;
use safeguards_domain::commitment::{CommitmentCommand, CommitmentFields};
use safeguards_domain::engagement::{ActivityKind, EngagementCommand, EngagementStatus};
use safeguards_domain::milestone::MilestoneCommand;
use safeguards_domain::subscriber::{
    Frequency, Language, Preferences, Subscriber, SubscriberCommand,
};
use safeguards_domain::values::{
    AccountId, Actor, AuthorityCode, CommitmentId, CountryCode, DpiSystemType, Email, Evidence,
    EvidenceUrl, MilestoneId, Percent, PrincipleCode, ProcessRef, RiskCode, Role, StageCode,
    SubscriberId, Text, Title,
};
use safeguards_infra::{contacts, feed, CommandContext};
use sha2::Digest as _;

/// The seed of the demo data.
pub const SEED: u64 = 2026;

/// A demo account and its password.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: String,
    pub role: Role,
    pub password: String,
    /// The secret of its second factor (base32, for an authenticator app), where it has one.
    pub second_factor: Option<String>,
}

/// What `load` did.
#[derive(Debug)]
pub enum Loaded {
    /// The store already had events: nothing was written.
    NotEmpty,
    Loaded {
        accounts: Vec<DemoAccount>,
        events: i64,
    },
}

/// Countries engaged with the framework, and others at earlier stages.
const COUNTRIES: &[(&str, &str)] = &[
    (
        "BRA",
        "Ministry of Management and Innovation in Public Services",
    ),
    (
        "ZAF",
        "Department of Communications and Digital Technologies",
    ),
    ("UGA", "Ministry of ICT and National Guidance"),
    ("TZA", "Ministry of Information, Communication and IT"),
    ("TTO", "Ministry of Digital Transformation"),
    ("RWA", "Ministry of ICT and Innovation"),
    ("MWI", "Ministry of Information and Digitalisation"),
    ("NGA", "National Identity Management Commission"),
    ("IND", "Ministry of Electronics and Information Technology"),
    (
        "KEN",
        "Ministry of Information, Communications and the Digital Economy",
    ),
    ("GHA", "Ministry of Communications and Digitalisation"),
    (
        "SEN",
        "Ministère de la Communication et de l'Économie numérique",
    ),
    ("ETH", "Ministry of Innovation and Technology"),
    ("ZMB", "Ministry of Technology and Science"),
    (
        "PHL",
        "Department of Information and Communications Technology",
    ),
    ("IDN", "Ministry of Communication and Digital Affairs"),
    (
        "COL",
        "Ministerio de Tecnologías de la Información y las Comunicaciones",
    ),
    ("PER", "Secretaría de Gobierno y Transformación Digital"),
    (
        "JAM",
        "Ministry of Science, Energy, Telecommunications and Transport",
    ),
    ("MAR", "Ministère de la Transition Numérique"),
    ("BGD", "ICT Division"),
    (
        "NPL",
        "Ministry of Communication and Information Technology",
    ),
    ("KHM", "Ministry of Post and Telecommunications"),
    (
        "SLE",
        "Ministry of Communication, Technology and Innovation",
    ),
    ("MNG", "Ministry of Digital Development and Communications"),
];

/// A commitment template: title, principles, risks, authority, stage.
type CommitmentTemplate = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
    &'static str,
);

const COMMITMENTS: &[CommitmentTemplate] = &[
    (
        "Adopt a data protection law with an independent authority",
        &["O3", "F5"],
        &["RS1", "SV2"],
        "R2",
        "L2",
    ),
    (
        "Publish the digital ID system's design for public comment",
        &["F4", "F7"],
        &["SV1"],
        "R1",
        "L2",
    ),
    (
        "Offer enrolment without a smartphone or internet access",
        &["F3", "O6"],
        &["RI2", "RI3"],
        "R1",
        "L4",
    ),
    (
        "Set up a grievance and redress mechanism for ID holders",
        &["F8"],
        &["RS4", "RI4"],
        "R1",
        "L5",
    ),
    (
        "Run an independent security audit before launch",
        &["O4", "F1"],
        &["RS2"],
        "R4",
        "L3",
    ),
    (
        "Minimise the data collected at enrolment",
        &["O3", "O5"],
        &["RS1"],
        "R1",
        "L2",
    ),
    (
        "Involve civil society in the payments roadmap",
        &["O7", "F7"],
        &["SV1", "RI4"],
        "R5",
        "L1",
    ),
    (
        "Secure sustainable funding for operations",
        &["O8", "F9"],
        &["SV5"],
        "R3",
        "L5",
    ),
    (
        "Release the data exchange specifications as open standards",
        &["O9", "O1"],
        &["SV4"],
        "R4",
        "L3",
    ),
    (
        "Assess discrimination risks of automated eligibility checks",
        &["F2", "O2"],
        &["RI1"],
        "R2",
        "L3",
    ),
    (
        "Make consent revocable in the data exchange",
        &["F6", "O5"],
        &["RS1", "RI4"],
        "R1",
        "L4",
    ),
    (
        "Protect registration staff and agents in remote areas",
        &["F1"],
        &["RS3"],
        "R1",
        "L4",
    ),
];

const MILESTONES: &[&str] = &[
    "Draft published for consultation",
    "Stakeholder workshop held",
    "Bill tabled in parliament",
    "Regulation adopted",
    "Pilot in two districts",
    "Independent review completed",
    "Guidelines issued to agencies",
    "Public report released",
];

/// The commitments' and milestones' titles, in the order of [`COMMITMENTS`] and [`MILESTONES`],
/// as a country writing in another language would write them: the demo's pages then mix
/// languages and directions, as real records do.
struct LocalTitles {
    commitments: [&'static str; 12],
    milestones: [&'static str; 8],
}

// Every local title list follows the English lists one for one.
const _: () = assert!(COMMITMENTS.len() == 12 && MILESTONES.len() == 8);

const ARABIC: LocalTitles = LocalTitles {
    commitments: [
        "اعتماد قانون لحماية البيانات مع هيئة مستقلة",
        "نشر تصميم نظام الهوية الرقمية للتعليق العام",
        "إتاحة التسجيل دون هاتف ذكي أو اتصال بالإنترنت",
        "إنشاء آلية للشكاوى والانتصاف لحاملي الهوية",
        "إجراء تدقيق أمني مستقل قبل الإطلاق",
        "تقليل البيانات المجمعة عند التسجيل إلى الحد الأدنى",
        "إشراك المجتمع المدني في خارطة طريق المدفوعات",
        "ضمان تمويل مستدام للتشغيل",
        "نشر مواصفات تبادل البيانات كمعايير مفتوحة",
        "تقييم مخاطر التمييز في عمليات التحقق الآلي من الأهلية",
        "جعل الموافقة قابلة للسحب في تبادل البيانات",
        "حماية موظفي ووكلاء التسجيل في المناطق النائية",
    ],
    milestones: [
        "نشر المسودة للتشاور",
        "عقد ورشة عمل لأصحاب المصلحة",
        "تقديم مشروع القانون إلى البرلمان",
        "اعتماد اللائحة",
        "تجربة في منطقتين",
        "إنجاز مراجعة مستقلة",
        "إصدار مبادئ توجيهية للجهات الحكومية",
        "نشر تقرير عام",
    ],
};

const FRENCH: LocalTitles = LocalTitles {
    commitments: [
        "Adopter une loi sur la protection des données avec une autorité indépendante",
        "Publier la conception du système d'identité numérique pour consultation publique",
        "Permettre l'enrôlement sans smartphone ni accès à Internet",
        "Mettre en place un mécanisme de plainte et de recours pour les titulaires d'identité",
        "Faire réaliser un audit de sécurité indépendant avant le lancement",
        "Réduire au minimum les données collectées à l'enrôlement",
        "Associer la société civile à la feuille de route des paiements",
        "Garantir un financement durable de l'exploitation",
        "Publier les spécifications de l'échange de données comme normes ouvertes",
        "Évaluer les risques de discrimination des contrôles d'éligibilité automatisés",
        "Rendre le consentement révocable dans l'échange de données",
        "Protéger le personnel et les agents d'enregistrement dans les zones reculées",
    ],
    milestones: [
        "Projet publié pour consultation",
        "Atelier des parties prenantes tenu",
        "Projet de loi déposé au parlement",
        "Règlement adopté",
        "Projet pilote dans deux districts",
        "Examen indépendant achevé",
        "Lignes directrices transmises aux administrations",
        "Rapport public diffusé",
    ],
};

const SPANISH: LocalTitles = LocalTitles {
    commitments: [
        "Adoptar una ley de protección de datos con una autoridad independiente",
        "Publicar el diseño del sistema de identidad digital para consulta pública",
        "Ofrecer el registro sin teléfono inteligente ni acceso a internet",
        "Establecer un mecanismo de quejas y reparación para los titulares de identidad",
        "Realizar una auditoría de seguridad independiente antes del lanzamiento",
        "Reducir al mínimo los datos recopilados en el registro",
        "Involucrar a la sociedad civil en la hoja de ruta de pagos",
        "Asegurar una financiación sostenible para la operación",
        "Publicar las especificaciones del intercambio de datos como estándares abiertos",
        "Evaluar los riesgos de discriminación de las verificaciones automatizadas de elegibilidad",
        "Hacer revocable el consentimiento en el intercambio de datos",
        "Proteger al personal y a los agentes de registro en zonas remotas",
    ],
    milestones: [
        "Borrador publicado para consulta",
        "Taller con las partes interesadas realizado",
        "Proyecto de ley presentado al parlamento",
        "Reglamento adoptado",
        "Piloto en dos distritos",
        "Revisión independiente concluida",
        "Directrices enviadas a las entidades",
        "Informe público difundido",
    ],
};

const RUSSIAN: LocalTitles = LocalTitles {
    commitments: [
        "Принять закон о защите данных с независимым органом надзора",
        "Опубликовать проект системы цифровой идентификации для общественного обсуждения",
        "Обеспечить регистрацию без смартфона и доступа к интернету",
        "Создать механизм подачи жалоб и возмещения для владельцев удостоверений",
        "Провести независимый аудит безопасности до запуска",
        "Свести к минимуму данные, собираемые при регистрации",
        "Привлечь гражданское общество к разработке дорожной карты платежей",
        "Обеспечить устойчивое финансирование эксплуатации",
        "Опубликовать спецификации обмена данными как открытые стандарты",
        "Оценить риски дискриминации при автоматической проверке права на услуги",
        "Сделать согласие отзываемым при обмене данными",
        "Защитить сотрудников и агентов регистрации в отдалённых районах",
    ],
    milestones: [
        "Проект опубликован для обсуждения",
        "Проведён семинар с заинтересованными сторонами",
        "Законопроект внесён в парламент",
        "Постановление принято",
        "Пилотный проект в двух районах",
        "Независимая проверка завершена",
        "Рекомендации направлены ведомствам",
        "Опубликован открытый доклад",
    ],
};

/// The titles a country's records are written with, if not English.
fn local_titles(country: &str) -> Option<&'static LocalTitles> {
    match country {
        "MAR" => Some(&ARABIC),
        "SEN" => Some(&FRENCH),
        "COL" | "PER" => Some(&SPANISH),
        "MNG" => Some(&RUSSIAN),
        _ => None,
    }
}

fn day(now: DateTime<Utc>, d: i64) -> DateTime<Utc> {
    now - Duration::days(540) + Duration::days(d) + Duration::hours(9)
}

fn date(now: DateTime<Utc>, d: i64) -> NaiveDate {
    day(now, d).date_naive()
}

fn text(s: &str) -> Text {
    Text::parse_field("text", s).unwrap_or_else(|_| unreachable!("demo text is valid"))
}

fn title(s: &str) -> Title {
    Title::parse(s).unwrap_or_else(|_| unreachable!("demo titles are valid"))
}

/// One command of the demo, at a day of its 540-day history.
enum Step {
    Engagement(CountryCode, EngagementCommand),
    Commitment(CommitmentId, CommitmentCommand),
    Milestone(MilestoneId, MilestoneCommand),
}

/// The countries of the demo focal point.
const FOCAL_COUNTRIES: &[&str] = &["KEN", "UGA", "TZA"];

/// The countries whose record the demo publishes a month after their engagement opened, so
/// that the public pages, the open dataset and anonymous subscribers' digests have something
/// to show. (Kenya is left for a newcomer, or the browser tests, to publish.)
const PUBLISHED: &[&str] = &["GHA", "SEN", "PHL", "COL", "MAR"];

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// Load the demo data into an empty store. `now` anchors the history (it ends at `now`).
pub async fn load(app: &App, now: DateTime<Utc>) -> Result<Loaded, AppError> {
    let store = app.store();
    if feed::count(store.database()).await? > 0 {
        return Ok(Loaded::NotEmpty);
    }
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut accounts = Vec::new();
    let mut principals: HashMap<AccountId, Principal> = HashMap::new();
    let people: [(&str, &str, Role, &[&str]); 5] = [
        ("admin@demo.safeguards.test", "Ada Admin", Role::Admin, &[]),
        (
            "manager@demo.safeguards.test",
            "Priya Programme",
            Role::ProgrammeManager,
            &[],
        ),
        (
            "verifier@demo.safeguards.test",
            "Victor Verifier",
            Role::ProgrammeManager,
            &[],
        ),
        (
            "focal.ken@demo.safeguards.test",
            "Wanjiru Focal",
            Role::FocalPoint,
            FOCAL_COUNTRIES,
        ),
        (
            "viewer@demo.safeguards.test",
            "Vera Viewer",
            Role::Viewer,
            &[],
        ),
    ];
    let mut ids = Vec::new();
    let system = Caller::system("demo").at(day(now, 0));
    for (email, name, role, countries) in people {
        let email = Email::parse(email).map_err(internal)?;
        // A demo reachable by others must not open with passwords anyone can read here.
        let password = safeguards_app::credentials::generate_password();
        let id = account_id(&email);
        accounts::create(
            app,
            &system,
            NewAccount {
                email: email.clone(),
                name: title(name),
                role,
                countries: countries
                    .iter()
                    .filter_map(|c| CountryCode::parse(c).ok())
                    .collect(),
                password: Some(password.clone()),
            },
        )
        .await?;
        principals.insert(
            id,
            Principal {
                actor: Actor::Account(id),
                role,
                name: name.to_string(),
                countries: countries
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<BTreeSet<_>>(),
                language: None,
                digits: Default::default(),
            },
        );
        accounts.push(DemoAccount {
            email: email.as_str().to_string(),
            role,
            password,
            second_factor: None,
        });
        ids.push(id);
    }
    // The admin signs in with a second factor, as every admin should.
    if let (Some(admin), Some(first)) = (principals.get(&ids[0]), accounts.first_mut()) {
        let caller = Caller::new(admin.clone(), "demo");
        let enrolment = safeguards_app::second_factor::begin(app, &caller).await?;
        let now_s = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default();
        let code = safeguards_app::second_factor::code_at(&enrolment.secret, now_s)?;
        safeguards_app::second_factor::confirm(
            app,
            &caller,
            std::net::IpAddr::from([127, 0, 0, 1]),
            &enrolment.sealed,
            &code,
        )
        .await?;
        first.second_factor = Some(enrolment.secret);
    }
    let (manager, verifier, focal) = (ids[1], ids[2], ids[3]);

    let mut steps: Vec<(i64, u32, Actor, Step)> = Vec::new();
    let mut seq = 0u32;
    let mut push =
        |steps: &mut Vec<(i64, u32, Actor, Step)>, d: i64, actor: AccountId, step: Step| {
            seq += 1;
            steps.push((d, seq, Actor::Account(actor), step));
        };
    let dpi = ["digital_id", "payments", "data_exchange", "registries"];
    for (i, (code, lead)) in COUNTRIES.iter().enumerate() {
        let country = CountryCode::parse(code).map_err(internal)?;
        let opened = rng.gen_range(0..150);
        let how_many = rng.gen_range(1..=3);
        let chosen: Vec<&str> = dpi.choose_multiple(&mut rng, how_many).copied().collect();
        let mut systems: Vec<(DpiSystemType, StageCode)> = Vec::new();
        for t in chosen {
            let stage = format!("L{}", rng.gen_range(1..=3));
            if let (Ok(t), Ok(s)) = (DpiSystemType::parse(t), StageCode::parse(&stage)) {
                systems.push((t, s));
            }
        }
        push(
            &mut steps,
            opened,
            manager,
            Step::Engagement(
                country,
                EngagementCommand::Open {
                    country,
                    lead: title(lead),
                    started_on: date(now, opened),
                    dpi_systems: systems.clone(),
                },
            ),
        );
        if PUBLISHED.contains(code) {
            push(
                &mut steps,
                opened + 30,
                manager,
                Step::Engagement(country, EngagementCommand::Publish),
            );
        }
        let kinds = [
            ActivityKind::Convening,
            ActivityKind::Workshop,
            ActivityKind::Dialogue,
            ActivityKind::Showcase,
            ActivityKind::Roadmap,
        ];
        let mut d = opened;
        for k in 0..rng.gen_range(2..6) {
            d += rng.gen_range(15..80);
            if d > 535 {
                break;
            }
            let kind = kinds[(i + k) % kinds.len()];
            push(
                &mut steps,
                d,
                manager,
                Step::Engagement(
                    country,
                    EngagementCommand::RecordActivity {
                        kind,
                        title: title(&format!("{} on DPI safeguards", activity_title(kind))),
                        held_on: date(now, d),
                        authorities: vec![
                            AuthorityCode::parse("R1").unwrap_or_else(|_| unreachable!()),
                            AuthorityCode::parse(if k % 2 == 0 { "R5" } else { "R2" })
                                .unwrap_or_else(|_| unreachable!()),
                        ],
                        note: None,
                    },
                ),
            );
        }
        // Most engaged countries signed a commitment letter; some went further.
        // The first nine are publicly engaged with the framework: all have signed at least.
        let stage = if i < 9 { 1 + i % 4 } else { i % 5 };
        if stage >= 1 {
            let signed = opened + rng.gen_range(30..120);
            push(
                &mut steps,
                signed,
                manager,
                Step::Engagement(
                    country,
                    EngagementCommand::RecordActivity {
                        kind: ActivityKind::CommitmentLetter,
                        title: title("Commitment letter signed"),
                        held_on: date(now, signed),
                        authorities: vec![
                            AuthorityCode::parse("R1").unwrap_or_else(|_| unreachable!())
                        ],
                        note: None,
                    },
                ),
            );
            if stage >= 3 {
                push(
                    &mut steps,
                    signed + 60,
                    manager,
                    Step::Engagement(
                        country,
                        EngagementCommand::ChangeStatus {
                            status: EngagementStatus::Implementing,
                            reason: Some(text("Implementation roadmap agreed")),
                        },
                    ),
                );
                if let Some((system, from)) = systems.first() {
                    let to = StageCode::parse(&format!(
                        "L{}",
                        (from.as_str()[1..].parse::<u8>().unwrap_or(1) + 1).min(5)
                    ))
                    .unwrap_or(*from);
                    if to != *from {
                        push(
                            &mut steps,
                            signed + 90,
                            manager,
                            Step::Engagement(
                                country,
                                EngagementCommand::MoveDpiSystem {
                                    system: *system,
                                    stage: to,
                                },
                            ),
                        );
                    }
                }
            }
            if stage == 4 && i % 10 == 9 {
                push(
                    &mut steps,
                    signed + 200,
                    manager,
                    Step::Engagement(
                        country,
                        EngagementCommand::ChangeStatus {
                            status: EngagementStatus::Paused,
                            reason: Some(text(
                                "Elections; work resumes after the new government is formed",
                            )),
                        },
                    ),
                );
            }
            // Commitments and milestones.
            for c in 0..rng.gen_range(2..=4) {
                let created = signed + 10 + c * rng.gen_range(10..40);
                if created > 500 {
                    break;
                }
                let at = (i * 3 + c as usize) % COMMITMENTS.len();
                let (english, principles, risks, authority, stage_code) = COMMITMENTS[at];
                let local = local_titles(code);
                let t = local.map_or(english, |l| l.commitments[at]);
                let commitment = CommitmentId::from_uuid(
                    uuid::Builder::from_random_bytes(rng.gen()).into_uuid(),
                );
                let due = created + rng.gen_range(200..480);
                let fields = CommitmentFields {
                    title: title(t),
                    description: None,
                    principles: principles
                        .iter()
                        .filter_map(|p| PrincipleCode::parse(p).ok())
                        .collect(),
                    risks: risks
                        .iter()
                        .filter_map(|r| RiskCode::parse(r).ok())
                        .collect(),
                    authority: AuthorityCode::parse(authority).unwrap_or_else(|_| unreachable!()),
                    stage: StageCode::parse(stage_code).unwrap_or_else(|_| unreachable!()),
                    dpi_system: systems.first().map(|s| s.0),
                    process_refs: real_process(app, principles[0], rng.gen_range(1..10))
                        .into_iter()
                        .collect(),
                    due_on: date(now, due),
                };
                // The focal point works on their own countries; the manager on the others.
                let by = if FOCAL_COUNTRIES.contains(code) {
                    focal
                } else {
                    manager
                };
                push(
                    &mut steps,
                    created,
                    by,
                    Step::Commitment(commitment, CommitmentCommand::Create { country, fields }),
                );
                for m in 0..rng.gen_range(2..=4) {
                    let added = created + 2 + m;
                    let milestone = MilestoneId::from_uuid(
                        uuid::Builder::from_random_bytes(rng.gen()).into_uuid(),
                    );
                    let due_m = created + 60 + m * rng.gen_range(40..120);
                    push(
                        &mut steps,
                        added,
                        by,
                        Step::Milestone(
                            milestone,
                            MilestoneCommand::Add {
                                commitment,
                                country,
                                title: title({
                                    let at = (i + c as usize + m as usize) % MILESTONES.len();
                                    local.map_or(MILESTONES[at], |l| l.milestones[at])
                                }),
                                due_on: date(now, due_m),
                                stage: None,
                            },
                        ),
                    );
                    milestone_life(
                        &mut rng, &mut steps, &mut push, milestone, added, due_m, by, verifier,
                    );
                }
            }
        }
    }
    steps.sort_by_key(|(d, s, _, _)| (*d, *s));
    for (d, _, actor, step) in steps {
        if d > 539 {
            continue;
        }
        let principal = actor
            .account()
            .and_then(|id| principals.get(&id).cloned())
            .unwrap_or_else(Principal::system);
        let caller = Caller::new(principal, "demo").at(day(now, d));
        // A step the rules refuse (e.g. a status change the engagement cannot make) is skipped:
        // the demo only ever contains what the use cases accept.
        let result = match step {
            Step::Engagement(country, c) => engagements::execute(app, &caller, country, c).await,
            Step::Commitment(id, CommitmentCommand::Create { country, fields }) => {
                commitments::create(app, &caller, country, id, fields).await
            }
            Step::Commitment(_, _) => continue,
            Step::Milestone(
                id,
                MilestoneCommand::Add {
                    commitment,
                    title,
                    due_on,
                    stage,
                    ..
                },
            ) => milestones::add(app, &caller, commitment, id, title, due_on, stage).await,
            Step::Milestone(id, c) => milestones::step(app, &caller, id, c).await,
        };
        match result {
            Ok(_)
            | Err(
                AppError::Invalid(_)
                | AppError::Conflict(_)
                | AppError::NotFound(_)
                | AppError::Forbidden(_),
            ) => {}
            Err(e) => return Err(e),
        }
    }
    // Three countries' action plans, built from the framework's tables as a programme
    // manager would on the plan page.
    let planner = principals
        .get(&manager)
        .cloned()
        .unwrap_or_else(Principal::system);
    for (code, authority, stage) in PLANS {
        let (Ok(country), Ok(authority), Ok(stage)) = (
            CountryCode::parse(code),
            AuthorityCode::parse(authority),
            StageCode::parse(stage),
        ) else {
            continue;
        };
        let caller = Caller::new(planner.clone(), "demo-plan").at(day(now, 535));
        let plan: Vec<(CommitmentId, CommitmentFields)> =
            plans::draft(app, authority, stage, date(now, 900))?
                .into_iter()
                .take(3)
                .map(|d| (CommitmentId::new(), d.fields))
                .collect();
        if plan.is_empty() {
            continue;
        }
        // A closed engagement takes no new commitments: its plan is left out.
        match plans::save(app, &caller, country, plan).await {
            Ok(_) | Err(AppError::Conflict(_) | AppError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    // Subscribers, confirmed.
    for s in 0..6u64 {
        let id = SubscriberId::from_uuid(uuid::Builder::from_random_bytes(rng.gen()).into_uuid());
        let email = format!("reader{s}@demo.safeguards.test");
        contacts::upsert(
            store.database(),
            &id.to_string(),
            &contacts::email_hash(&app.digest().settings.secret_key, &email),
            &email,
            Some(&format!("Demo reader {s}")),
        )
        .await?;
        let token = format!("demo-token-{s}");
        let token_hash: String = sha2::Sha256::digest(token.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let at = day(now, 300 + s as i64 * 20);
        let ctx = CommandContext::system("demo").at(at);
        let countries: Vec<CountryCode> = COUNTRIES
            .iter()
            .skip(s as usize * 3)
            .take(if s % 2 == 0 { 3 } else { 0 })
            .filter_map(|(c, _)| CountryCode::parse(c).ok())
            .collect();
        store
            .execute::<Subscriber>(
                &id.to_string(),
                SubscriberCommand::Request {
                    preferences: Preferences {
                        countries,
                        // Every third reader follows two principles; some read monthly.
                        principles: if s % 3 == 1 {
                            ["F8", "O3"]
                                .iter()
                                .filter_map(|p| PrincipleCode::parse(p).ok())
                                .collect()
                        } else {
                            vec![]
                        },
                        language: [Language::En, Language::Fr, Language::Es][s as usize % 3],
                        frequency: if s % 4 == 3 {
                            Frequency::Monthly
                        } else {
                            Frequency::Weekly
                        },
                    },
                    token_hash: token_hash.clone(),
                    expires_at: at + Duration::hours(48),
                },
                &ctx,
                None,
            )
            .await?;
        store
            .execute::<Subscriber>(
                &id.to_string(),
                SubscriberCommand::Confirm {
                    token_hash,
                    now: at + Duration::hours(1),
                },
                &ctx,
                None,
            )
            .await?;
    }
    Ok(Loaded::Loaded {
        accounts,
        events: feed::count(store.database()).await?,
    })
}

/// Countries whose action plans the demo builds: (country, authority, stage).
const PLANS: [(&str, &str, &str); 3] = [
    ("KEN", "R3", "L2"),
    ("BRA", "R2", "L1"),
    ("UGA", "R4", "L1"),
];

/// A process of the catalogue under `principle` (the `n`-th, wrapping), if it has any.
fn real_process(app: &App, principle: &str, n: usize) -> Option<ProcessRef> {
    let of: Vec<&str> = app
        .processes()
        .processes
        .iter()
        .filter(|p| p.principle == principle)
        .map(|p| p.id.as_str())
        .collect();
    let id = of.get(n % of.len().max(1))?;
    ProcessRef::parse(id).ok()
}

type Push<'a> = dyn FnMut(&mut Vec<(i64, u32, Actor, Step)>, i64, AccountId, Step) + 'a;

/// The steps of one milestone: a final state drawn by weight, reached by legal transitions.
#[allow(clippy::too_many_arguments)]
fn milestone_life(
    rng: &mut StdRng,
    steps: &mut Vec<(i64, u32, Actor, Step)>,
    push: &mut Push<'_>,
    milestone: MilestoneId,
    added: i64,
    due: i64,
    focal: AccountId,
    verifier: AccountId,
) {
    let id = milestone;
    let end = 539i64;
    let fate = rng.gen_range(0..100);
    let mut d = added + rng.gen_range(5..40);
    if d > end || fate < 15 {
        return; // stays planned (overdue if its due date passed)
    }
    push(
        steps,
        d,
        focal,
        Step::Milestone(
            id,
            MilestoneCommand::Start {
                note: Some(text("Work started")),
            },
        ),
    );
    for p in [25, 50, 75] {
        d += rng.gen_range(10..45);
        if d > end || (fate < 40 && p > 25) {
            return; // in progress
        }
        push(
            steps,
            d,
            focal,
            Step::Milestone(
                id,
                MilestoneCommand::ReportProgress {
                    percent: Percent::parse(p).unwrap_or_else(|_| unreachable!()),
                    note: None,
                },
            ),
        );
    }
    if fate < 50 {
        d += 5;
        push(
            steps,
            d,
            focal,
            Step::Milestone(
                id,
                MilestoneCommand::Block {
                    reason: text("Waiting for the budget allocation"),
                },
            ),
        );
        return; // blocked
    }
    if fate < 55 {
        d += 5;
        push(
            steps,
            d,
            verifier,
            Step::Milestone(
                id,
                MilestoneCommand::Cancel {
                    reason: text("Superseded by the revised roadmap"),
                },
            ),
        );
        return;
    }
    d = d.max(due - rng.gen_range(0..30)).min(end);
    push(
        steps,
        d,
        focal,
        Step::Milestone(
            id,
            MilestoneCommand::Achieve {
                evidence: vec![Evidence {
                    title: title("Official publication"),
                    url: EvidenceUrl::parse(&format!("https://example.org/evidence/{id}"))
                        .unwrap_or_else(|_| unreachable!()),
                }],
                note: None,
                by: Actor::Account(focal),
            },
        ),
    );
    if fate < 70 || d + 7 > end {
        return; // achieved, awaiting verification
    }
    push(
        steps,
        d + 7,
        verifier,
        Step::Milestone(
            id,
            MilestoneCommand::Verify {
                note: Some(text("Evidence checked")),
                by: Actor::Account(verifier),
            },
        ),
    );
}

fn activity_title(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Convening => "National convening",
        ActivityKind::Workshop => "Technical workshop",
        ActivityKind::Dialogue => "Multi-stakeholder dialogue",
        ActivityKind::Showcase => "Showcase",
        ActivityKind::Roadmap => "Roadmap session",
        _ => "Meeting",
    }
}
