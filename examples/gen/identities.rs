//! Identities of all nine kinds, each a pure function of the seed and its number.

use crate::people::{FIRST, LAST};
use crate::plant::Plant;
use crate::rng::{Date, Rng};
use crate::roles::{IT_ONCALL, OT_ENGINEERING, SECURITY_ONCALL, SHIFT_LEAD, VENDOR_MANAGER};
use crate::yaml::the;

pub const KINDS: [&str; 9] = [
    "human",
    "service-account",
    "api-key",
    "certificate",
    "plc-credential",
    "vendor-session",
    "ai-agent",
    "ssh-key",
    "token",
];
/// Out of 100, in the order of `KINDS`.
pub const KIND_WEIGHTS: [usize; 9] = [8, 24, 12, 14, 16, 4, 3, 10, 9];
pub const HUMAN: usize = 0;
pub const SERVICE_ACCOUNT: usize = 1;
pub const API_KEY: usize = 2;
pub const CERTIFICATE: usize = 3;
pub const PLC_CREDENTIAL: usize = 4;
pub const VENDOR_SESSION: usize = 5;
pub const AI_AGENT: usize = 6;
pub const SSH_KEY: usize = 7;
pub const TOKEN: usize = 8;

pub const VENDORS: [&str; 7] = [
    "Acme Robotics",
    "Helio Automation",
    "Nordic Drives",
    "Vistaline Vision",
    "Sentinel Safety Systems",
    "Brightwater Controls",
    "Kessler MES Services",
];

pub struct Credential {
    pub kind: &'static str,
    pub rotation: Option<&'static str>,
    pub last_rotated: Option<Date>,
    pub expires: Option<Date>,
    pub storage: &'static str,
    pub origin: &'static str,
    pub shared_with: Option<String>,
}

pub struct Identity {
    pub id: String,
    pub kind: usize,
    pub name: String,
    pub owner: usize,
    pub vendor: Option<&'static str>,
    pub purpose: String,
    /// System index and the inside of its flow mapping (`default: read, ...`).
    pub access: Vec<(usize, &'static str)>,
    pub serves: Option<Vec<usize>>,
    pub credential: Credential,
    pub last_used: Option<Date>,
    pub labels: Vec<(&'static str, String)>,
}

pub fn credential(
    rng: &mut Rng,
    kind: &'static str,
    rotation: Option<&'static str>,
    storage: &'static str,
) -> Credential {
    let back = match rotation {
        Some("30d") => rng.range(1, 40),
        Some("90d") => rng.range(1, 120),
        _ => rng.range(10, 700),
    } as i64;
    Credential {
        kind,
        rotation,
        last_rotated: (kind != "ephemeral").then(|| Date::today().plus(-back)),
        expires: None,
        storage,
        origin: "generated",
        shared_with: None,
    }
}

/// A storage location: mostly vaulted, with the usual stragglers.
pub fn storage(
    rng: &mut Rng,
    vault: usize,
    config: usize,
    plain: usize,
    unknown: usize,
) -> &'static str {
    ["vault", "config-file", "plaintext", "unknown"][rng.weighted(&[vault, config, plain, unknown])]
}

impl Plant {
    /// Identity number `i`: a pure function of the seed and `i`, so rules can
    /// name identities without keeping them all in memory.
    pub fn identity(&self, i: usize) -> Identity {
        let x = self.identity_at(i, true);
        if self.inventory {
            self.inventory(x, i)
        } else {
            x
        }
    }

    /// `follow`: look back for a PLC sharing the same vendor-default password.
    pub fn identity_at(&self, i: usize, follow: bool) -> Identity {
        let mut rng = Rng::new(self.seed, 0x1D00_0000 + i as u64);
        let kind = rng.weighted(&KIND_WEIGHTS);
        let core_pct = [20, 25, 60, 30, 0, 10, 45, 30, 70][kind];
        let line = (!rng.pct(core_pct)).then(|| rng.below(self.lines.len()));
        let c = &self.core;
        let today = Date::today();
        let mut labels: Vec<(&'static str, String)> = Vec::new();
        let mut vendor = None;
        let mut serves = Some(Vec::new());
        let (prefix, name, purpose, owner, access, cred): (
            &str,
            String,
            String,
            usize,
            Vec<(usize, &'static str)>,
            Credential,
        );
        let l = line.map(|n| &self.lines[n]);
        if let Some(l) = l {
            labels.push(("line", l.label.clone()));
        }
        let owner_ot = l.map_or(OT_ENGINEERING, |l| l.eng_role);
        match kind {
            HUMAN => {
                prefix = "user";
                let first = rng.pick(FIRST);
                let last = rng.pick(LAST);
                let shift = *rng.pick(&["a", "b", "c"]);
                owner = SHIFT_LEAD;
                match l {
                    Some(l) if rng.pct(25) => {
                        name = format!("{first} {last} (line {} team leader)", l.label);
                        purpose =
                            format!("Plans line {} production and signs off quality", l.label);
                        access = vec![
                            (l.office_pc, "default: write"),
                            (l.hmi, "default: read, commissioning: write"),
                            (c.mes, "default: write"),
                        ];
                    }
                    Some(l) => {
                        name = format!("{first} {last} (line {} operator)", l.label);
                        purpose = format!("Operates line {} from the HMI", l.label);
                        access = vec![
                            (l.hmi, "default: write, maintenance: read"),
                            (c.scada, "default: read"),
                            (c.mes, "default: read"),
                        ];
                        labels.push(("shift", shift.into()));
                    }
                    None => {
                        name = format!("{first} {last} (control room)");
                        purpose = "Supervises the plant from the control room".into();
                        access = vec![
                            (c.scada, "default: write, emergency: control"),
                            (c.mes, "default: write"),
                        ];
                        labels.push(("shift", shift.into()));
                    }
                }
                cred = credential(&mut rng, "rotated", Some("180d"), "vault");
            }
            SERVICE_ACCOUNT => {
                prefix = "svc";
                owner = if l.is_some() { owner_ot } else { IT_ONCALL };
                match (l, rng.below(3)) {
                    (Some(l), 0) => {
                        name = format!("Line {} OPC UA collector", l.label);
                        purpose = format!("Collects line {} PLC tags for the historian", l.label);
                        access = vec![
                            (l.plc, "default: read"),
                            (l.edge, "default: write"),
                            (c.historian, "default: write"),
                        ];
                        serves = Some(vec![l.edge]);
                    }
                    (Some(l), 1) => {
                        name = format!("Line {} MES connector", l.label);
                        purpose =
                            format!("Sends orders and recipes from the MES to line {}", l.label);
                        access = vec![
                            (l.sys, "default: write, maintenance: none"),
                            (c.mes, "default: write"),
                        ];
                        serves = Some(vec![l.sys]);
                    }
                    (Some(l), _) => {
                        name = format!("Line {} SCADA driver", l.label);
                        purpose = format!("Drives the line {} PLC from SCADA", l.label);
                        access = vec![
                            (
                                l.plc,
                                "default: control, maintenance: read, emergency: read",
                            ),
                            (c.scada, "default: write"),
                        ];
                        serves = Some(vec![l.hmi]);
                    }
                    (None, _) => {
                        let k = rng.below(4);
                        let (n, p, a, s): (&str, &str, Vec<(usize, &'static str)>, Vec<usize>) =
                            match k {
                                0 => (
                                    "ERP to MES order interface",
                                    "Pushes production orders from the ERP to the MES",
                                    vec![(c.erp, "default: read"), (c.mes, "default: write")],
                                    vec![c.mes],
                                ),
                                1 => (
                                    "Backup agent",
                                    "Backs up servers nightly",
                                    vec![(c.backup, "default: write"), (c.ad, "default: read")],
                                    vec![c.backup],
                                ),
                                2 => (
                                    "Fire and gas alarm gateway",
                                    "Relays fire and gas alarms to mail and pagers",
                                    vec![(c.fire_gas, "default: read"), (c.mail, "default: write")],
                                    vec![],
                                ),
                                _ => (
                                    "Historian replication",
                                    "Replicates the historian to the IT data lake",
                                    vec![(c.historian, "default: read"), (c.erp, "default: write")],
                                    vec![],
                                ),
                            };
                        name = n.into();
                        purpose = p.into();
                        access = a;
                        serves = Some(s);
                    }
                }
                cred = if rng.pct(60) {
                    credential(&mut rng, "rotated", Some("90d"), "vault")
                } else {
                    let st = storage(&mut rng, 30, 55, 10, 5);
                    credential(&mut rng, "static", Some("365d"), st)
                };
            }
            API_KEY => {
                prefix = "key";
                owner = if l.is_some() { owner_ot } else { IT_ONCALL };
                match l {
                    Some(l) => {
                        name = format!("Line {} vision analytics key", l.label);
                        purpose = format!(
                            "Uploads line {} inspection images to the quality service",
                            l.label
                        );
                        access = vec![
                            (l.vision, "default: read"),
                            (l.edge, "default: read"),
                            (c.lims, "default: write"),
                        ];
                        serves = Some(vec![l.vision]);
                    }
                    None => {
                        let (sys, n, data) = *rng.pick(&[
                            (c.mes, "MES reporting API key", "MES"),
                            (c.erp, "ERP integration API key", "ERP"),
                            (c.lims, "LIMS results API key", "LIMS"),
                            (c.wms, "WMS shipping API key", "WMS"),
                            (c.historian, "Historian query API key", "historian"),
                        ]);
                        name = n.into();
                        purpose = format!("Reads and writes {data} data for reporting");
                        access = if rng.pct(40) && sys != c.erp {
                            vec![(sys, "default: write"), (c.erp, "default: read")]
                        } else {
                            vec![(sys, "default: read")]
                        };
                        serves = Some(if rng.pct(30) { vec![sys] } else { vec![] });
                    }
                }
                let st = storage(&mut rng, 50, 40, 5, 5);
                cred = credential(&mut rng, "static", Some("365d"), st);
            }
            CERTIFICATE => {
                prefix = "cert";
                owner = if l.is_some() {
                    owner_ot
                } else {
                    SECURITY_ONCALL
                };
                let sys = match l {
                    Some(l) => *rng.pick(&[l.plc, l.hmi, l.checkweigher]),
                    None => *rng.pick(&[c.scada, c.mes, c.historian, c.remote_access, c.jump_host]),
                };
                let s = &self.systems[sys];
                name = format!("{} OPC UA certificate", s.name);
                purpose = format!("Authenticates {} to its clients", the(&s.name));
                access = vec![(sys, "default: read")];
                serves = Some(vec![sys]);
                let st = ["vault", "hsm", "config-file"][rng.weighted(&[40, 20, 40])];
                let mut cr = credential(&mut rng, "rotated", Some("365d"), st);
                let rotated = cr.last_rotated.unwrap_or(today);
                // Two-year certificates; a few have lapsed.
                cr.expires = Some(if rng.pct(4) {
                    today.plus(-(rng.range(1, 60) as i64))
                } else {
                    rotated.plus(730)
                });
                cred = cr;
            }
            PLC_CREDENTIAL => {
                prefix = "plc";
                let l = l.unwrap_or(&self.lines[0]);
                owner = l.eng_role;
                let pick = rng.weighted(&[45, 15, 25, 10, 5]);
                let (sys, n, lv): (usize, String, &'static str) = match pick {
                    0 => (
                        l.plc,
                        format!("Line {} PLC programming password", l.label),
                        "default: control, maintenance: read",
                    ),
                    1 => (
                        l.sis,
                        format!("Line {} safety PLC password", l.label),
                        "default: read, commissioning: control",
                    ),
                    2 => {
                        let r = rng.below(l.robots.len());
                        labels.push(("cell", format!("r{}", r + 1)));
                        (
                            l.robots[r],
                            format!("Line {} robot cell r{} controller login", l.label, r + 1),
                            "default: control, maintenance: none",
                        )
                    }
                    3 => (
                        l.drives,
                        format!("Line {} drive parameter password", l.label),
                        "default: write, maintenance: read",
                    ),
                    _ => (
                        l.checkweigher,
                        format!("Line {} checkweigher service login", l.label),
                        "default: write",
                    ),
                };
                name = n;
                purpose = format!(
                    "Program downloads and online changes to {}",
                    the(&self.systems[sys].name)
                );
                access = if rng.pct(40) {
                    vec![(sys, lv), (l.hmi, "default: read")]
                } else {
                    vec![(sys, lv)]
                };
                serves = Some(vec![sys]);
                let st = ["plc-project", "config-file", "vault", "plaintext"]
                    [rng.weighted(&[55, 15, 25, 5])];
                let mut cr = credential(&mut rng, "static", Some("365d"), st);
                cr.origin =
                    ["generated", "vendor-default", "hardcoded"][rng.weighted(&[82, 12, 6])];
                if follow && cr.origin == "vendor-default" {
                    // The same factory password, found on another PLC.
                    cr.shared_with = (1..=64)
                        .filter_map(|back| i.checked_sub(back))
                        .map(|j| self.identity_head(j))
                        .find(|(k, origin_default, _)| *k == PLC_CREDENTIAL && *origin_default)
                        .map(|(_, _, id)| id);
                }
                cred = cr;
            }
            VENDOR_SESSION => {
                prefix = "vnd";
                owner = VENDOR_MANAGER;
                let (sys, v) = match l {
                    Some(l) => *rng.pick(&[
                        (l.robots[0], VENDORS[0]),
                        (l.plc, VENDORS[1]),
                        (l.drives, VENDORS[2]),
                        (l.vision, VENDORS[3]),
                        (l.sis, VENDORS[4]),
                    ]),
                    None => *rng.pick(&[
                        (c.scada, VENDORS[5]),
                        (c.historian, VENDORS[5]),
                        (c.mes, VENDORS[6]),
                    ]),
                };
                vendor = Some(v);
                name = format!("{v} remote support");
                purpose = format!("Remote diagnostics of {}", the(&self.systems[sys].name));
                access = vec![
                    (sys, "default: none, vendor-support: write"),
                    (c.remote_access, "default: none, vendor-support: read"),
                ];
                let mut cr = if rng.pct(60) {
                    credential(&mut rng, "ephemeral", None, "vault")
                } else {
                    let st = storage(&mut rng, 40, 30, 10, 20);
                    let mut cr = credential(&mut rng, "static", Some("90d"), st);
                    cr.origin = if rng.pct(25) {
                        "vendor-default"
                    } else {
                        "generated"
                    };
                    cr
                };
                cr.expires = Some(today.plus(rng.range(20, 400) as i64));
                cred = cr;
            }
            AI_AGENT => {
                prefix = "agent";
                owner = OT_ENGINEERING;
                match l {
                    Some(l) if rng.pct(50) => {
                        name = format!("Line {} quality inspection agent", l.label);
                        purpose = format!(
                            "Classifies defects and tunes line {} vision thresholds",
                            l.label
                        );
                        access = vec![
                            (l.vision, "default: write, maintenance: read"),
                            (c.historian, "default: read"),
                        ];
                        serves = Some(vec![l.vision]);
                    }
                    Some(l) => {
                        name = format!("Line {} predictive maintenance agent", l.label);
                        purpose = format!(
                            "Predicts line {} drive failures from vibration data",
                            l.label
                        );
                        access = vec![(l.drives, "default: read"), (c.historian, "default: read")];
                    }
                    None => {
                        name = "Energy optimisation agent".into();
                        purpose = "Suggests and applies SCADA setpoints to cut energy use".into();
                        access = vec![
                            (
                                c.scada,
                                "default: write, commissioning: read, emergency: none",
                            ),
                            (c.historian, "default: read"),
                        ];
                        serves = Some(vec![]);
                    }
                }
                labels.push(("model", (*rng.pick(&["vendor-hosted", "on-prem"])).into()));
                cred = credential(&mut rng, "rotated", Some("30d"), "vault");
            }
            SSH_KEY => {
                prefix = "ssh";
                owner = if l.is_some() {
                    owner_ot
                } else {
                    SECURITY_ONCALL
                };
                match l {
                    Some(l) => {
                        name = format!("Line {} HMI deploy key", l.label);
                        purpose = format!(
                            "Deploys HMI projects to line {} from the engineering workstations",
                            l.label
                        );
                        access = vec![
                            (c.jump_host, "default: read"),
                            (l.hmi, "default: write, emergency: none"),
                        ];
                    }
                    None => {
                        let (sys, n) = *rng.pick(&[
                            (c.eng_ws, "Engineering workstation admin key"),
                            (c.patch_server, "Patch server sync key"),
                            (c.historian, "Historian maintenance key"),
                            (c.firewall, "Firewall configuration backup key"),
                        ]);
                        name = n.into();
                        purpose = "Administration through the DMZ jump host".into();
                        access = vec![(sys, "default: write"), (c.jump_host, "default: read")];
                    }
                }
                if rng.pct(15) {
                    serves = None; // nobody wrote down what it serves
                }
                let st = storage(&mut rng, 40, 45, 10, 5);
                cred = credential(&mut rng, "static", Some("365d"), st);
            }
            _ => {
                prefix = "tok";
                owner = if l.is_some() { owner_ot } else { IT_ONCALL };
                match l {
                    Some(l) => {
                        name = format!("Line {} checkweigher cloud token", l.label);
                        purpose = format!("Sends line {} weights to the vendor portal", l.label);
                        access = vec![(l.checkweigher, "default: read"), (l.edge, "default: read")];
                        serves = Some(vec![]);
                    }
                    None => {
                        let (sys, n) = *rng.pick(&[
                            (c.ad, "Directory sync token"),
                            (c.mail, "Alert mail relay token"),
                            (c.erp, "ERP reporting token"),
                            (c.backup, "Backup catalogue token"),
                            (c.patch_server, "Patch feed token"),
                        ]);
                        name = n.into();
                        purpose = format!("Automation against {}", the(&self.systems[sys].name));
                        access = vec![(
                            sys,
                            if rng.pct(50) {
                                "default: read"
                            } else {
                                "default: write"
                            },
                        )];
                        serves = Some(if rng.pct(30) { vec![sys] } else { vec![] });
                    }
                }
                let mut cr = if rng.pct(50) {
                    credential(&mut rng, "ephemeral", None, "vault")
                } else {
                    let st = storage(&mut rng, 60, 30, 5, 5);
                    credential(&mut rng, "rotated", Some("90d"), st)
                };
                if cr.kind == "ephemeral" || rng.pct(30) {
                    cr.expires = Some(today.plus(rng.range(1, 90) as i64));
                }
                cred = cr;
            }
        }
        let home = match l {
            Some(l) => &self.systems[l.sys].id,
            None => {
                // Plant-wide identities are labelled with the zone they live in.
                let home = &self.systems[access[0].0];
                labels.insert(0, ("area", home.zone.to_string()));
                &home.id
            }
        };
        let id = format!("{prefix}-{home}-{i:0w$}", w = self.id_width);
        let last_used = match rng.below(100) {
            0..=84 => Some(today.plus(-(rng.range(0, 30) as i64))),
            85..=96 => Some(today.plus(-(rng.range(31, 500) as i64))),
            _ => None,
        };
        Identity {
            id,
            kind,
            name,
            owner,
            vendor,
            purpose,
            access,
            serves,
            credential: cred,
            last_used,
            labels,
        }
    }

    /// Kind, "vendor-default origin", and id of identity `j`, for `shared_with`.
    pub fn identity_head(&self, j: usize) -> (usize, bool, String) {
        let mut rng = Rng::new(self.seed, 0x1D00_0000 + j as u64);
        let kind = rng.weighted(&KIND_WEIGHTS);
        if kind != PLC_CREDENTIAL {
            return (kind, false, String::new());
        }
        // Rare enough (12% of 16%) that regenerating in full is cheap.
        let full = self.identity_at(j, false);
        (kind, full.credential.origin == "vendor-default", full.id)
    }
}
