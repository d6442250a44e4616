//! Systems and production lines: zones, levels, owners, dependencies, safe states.

use crate::rng::Rng;
use crate::roles::{FIXED_ROLES, IT_ONCALL, OT_ENGINEERING, SAFETY_OFFICER, SECURITY_ONCALL};

pub struct System {
    pub id: String,
    pub name: String,
    pub zone: &'static str,
    pub level: u8,
    pub criticality: &'static str,
    pub owner: usize,
    pub depends_on: Vec<usize>,
    pub safe_state: Option<String>,
}

pub struct Line {
    pub label: String,
    /// The line itself (`lineNN`).
    pub sys: usize,
    pub plc: usize,
    pub sis: usize,
    pub hmi: usize,
    pub drives: usize,
    pub vision: usize,
    pub checkweigher: usize,
    pub edge: usize,
    pub office_pc: usize,
    pub robots: Vec<usize>,
    /// Every system of the line, in file order.
    pub all: Vec<usize>,
    pub eng_role: usize,
}

/// The plant-wide systems, by index into `Plant::systems`.
pub struct Core {
    pub ad: usize,
    pub erp: usize,
    pub mail: usize,
    pub lims: usize,
    pub wms: usize,
    pub backup: usize,
    pub firewall: usize,
    pub jump_host: usize,
    pub remote_access: usize,
    pub patch_server: usize,
    pub historian: usize,
    pub mes: usize,
    pub scada: usize,
    pub eng_ws: usize,
    pub fire_gas: usize,
    pub all: Vec<usize>,
}

/// A system with no dependencies and no safe state; see [`System::deps`] and [`System::safe`].
pub fn system(
    id: impl Into<String>,
    name: impl Into<String>,
    zone: &'static str,
    level: u8,
    crit: &'static str,
    owner: usize,
) -> System {
    System {
        id: id.into(),
        name: name.into(),
        zone,
        level,
        criticality: crit,
        owner,
        depends_on: Vec::new(),
        safe_state: None,
    }
}

impl System {
    pub fn deps(mut self, deps: &[usize]) -> System {
        self.depends_on = deps.to_vec();
        self
    }
    pub fn zone(mut self, zone: &'static str) -> System {
        self.zone = zone;
        self
    }
    pub fn safe(mut self, text: impl Into<String>) -> System {
        self.safe_state = Some(text.into());
        self
    }
}

/// Appends a system and returns its index.
pub fn add(systems: &mut Vec<System>, s: System) -> usize {
    systems.push(s);
    systems.len() - 1
}

/// Robots per line: lines are added until the system count reaches `target`,
/// at least four.
pub fn plan_lines(target: usize, core: usize, rng: &mut Rng) -> Vec<usize> {
    let mut plan = Vec::new();
    let mut total = core;
    while plan.len() < 4 || total < target {
        let robots = rng.range(1, 4);
        plan.push(robots);
        total += LINE_SYSTEMS + robots;
    }
    plan
}

pub const CORE_SYSTEMS: usize = 15;
/// Systems of a line besides its robot cells.
pub const LINE_SYSTEMS: usize = 9;

pub fn build_systems(plan: &[usize], eng_roles: usize) -> (Vec<System>, Core, Vec<Line>) {
    let mut v: Vec<System> = Vec::new();
    let s = &mut v;
    let (it, dmz, ot) = ("it", "dmz", "ot");
    let ad = add(
        s,
        system("ad", "Active Directory", it, 4, "high", IT_ONCALL),
    );
    let erp = add(
        s,
        system("erp", "ERP", it, 4, "medium", IT_ONCALL).deps(&[ad]),
    );
    let mail = add(
        s,
        system("mail", "Mail and calendar", it, 4, "low", IT_ONCALL).deps(&[ad]),
    );
    let lims = add(
        s,
        system("lims", "Quality lab LIMS", it, 4, "medium", IT_ONCALL).deps(&[ad, erp]),
    );
    let wms = add(
        s,
        system("wms", "Warehouse management", it, 4, "medium", IT_ONCALL).deps(&[erp]),
    );
    let backup = add(
        s,
        system("backup", "Backup and restore", it, 4, "medium", IT_ONCALL).deps(&[ad]),
    );
    let firewall = add(
        s,
        system(
            "ot-firewall",
            "IT/OT boundary firewall",
            dmz,
            3,
            "high",
            SECURITY_ONCALL,
        ),
    );
    let jump_host = add(
        s,
        system(
            "jump-host",
            "DMZ jump host",
            dmz,
            3,
            "high",
            SECURITY_ONCALL,
        )
        .deps(&[firewall]),
    );
    let remote_access = add(
        s,
        system(
            "remote-access",
            "Vendor remote access gateway",
            dmz,
            3,
            "medium",
            SECURITY_ONCALL,
        )
        .deps(&[firewall, jump_host]),
    );
    let patch_server = add(
        s,
        system(
            "patch-server",
            "OT patch and antivirus server",
            dmz,
            3,
            "low",
            SECURITY_ONCALL,
        )
        .deps(&[firewall]),
    );
    let historian = add(
        s,
        system(
            "historian",
            "Process historian",
            dmz,
            3,
            "medium",
            OT_ENGINEERING,
        ),
    );
    let mes = add(
        s,
        system(
            "mes",
            "Manufacturing execution system",
            ot,
            3,
            "high",
            OT_ENGINEERING,
        )
        .deps(&[erp, firewall]),
    );
    let scada = add(
        s,
        system("scada", "Plant SCADA", ot, 2, "high", OT_ENGINEERING)
            .deps(&[historian])
            .safe("Operate the lines from their local HMIs; SCADA supervision is not needed to run them"),
    );
    let eng_ws = add(
        s,
        system(
            "eng-ws",
            "OT engineering workstations",
            ot,
            2,
            "medium",
            OT_ENGINEERING,
        ),
    );
    let fire_gas = add(
        s,
        system(
            "fire-gas",
            "Fire and gas detection",
            ot,
            1,
            "safety",
            SAFETY_OFFICER,
        )
        .safe("Keep the fire and gas panel in automatic; call the site fire brigade before any change"),
    );
    debug_assert_eq!(s.len(), CORE_SYSTEMS);
    let core = Core {
        ad,
        erp,
        mail,
        lims,
        wms,
        backup,
        firewall,
        jump_host,
        remote_access,
        patch_server,
        historian,
        mes,
        scada,
        eng_ws,
        fire_gas,
        all: (0..s.len()).collect(),
    };

    let width = plan.len().to_string().len().max(2);
    let mut lines = Vec::with_capacity(plan.len());
    for (n, &robots) in plan.iter().enumerate() {
        let label = format!("{:0width$}", n + 1);
        let id = format!("line{label}");
        let eng = FIXED_ROLES + n * eng_roles / plan.len();
        let first = s.len();
        let named = |suffix: &str, name: &str, level: u8, crit: &'static str| {
            system(
                format!("{id}-{suffix}"),
                format!("Line {label} {name}"),
                ot,
                level,
                crit,
                eng,
            )
        };
        let plc = add(
            s,
            named("plc", "main PLC", 1, "high").safe(format!(
                "Switch line {label} to manual at the HMI before cutting PLC automation"
            )),
        );
        let sis = add(
            s,
            named("sis", "safety PLC", 1, "safety").safe(format!(
                "Stop line {label} with the main emergency stop; keep the safety PLC running"
            )),
        );
        let hmi = add(
            s,
            named("hmi", "operator HMI", 2, "medium").deps(&[plc, scada]),
        );
        let drives = add(
            s,
            named("drives", "conveyor drives", 0, "high")
                .deps(&[plc])
                .safe(format!("Ramp the line {label} drives down from the HMI")),
        );
        let vision = add(
            s,
            named("vision", "vision inspection", 2, "low").deps(&[plc]),
        );
        let checkweigher = add(
            s,
            named("checkweigher", "checkweigher", 1, "medium").deps(&[plc]),
        );
        // The line's own IT and DMZ footprint.
        let edge = named("edge", "edge gateway", 3, "medium").deps(&[plc, firewall]);
        let edge = add(s, edge.zone("dmz"));
        let office_pc = named("office-pc", "shop-floor office PC", 4, "low").deps(&[ad]);
        let office_pc = add(s, office_pc.zone("it"));
        let mut robot_ids = Vec::new();
        for r in 1..=robots {
            let crit = if r % 2 == 1 { "safety" } else { "high" };
            let robot = named(&format!("robot-r{r}"), &format!("robot cell r{r}"), 1, crit)
                .deps(&[plc, sis])
                .safe(format!(
                    "Stop robot cell r{r} with the cell emergency stop and keep its gate closed"
                ));
            robot_ids.push(add(s, robot));
        }
        let mut deps = vec![plc, hmi, drives];
        deps.extend(&robot_ids);
        deps.push(mes);
        let line = system(
            id.clone(),
            format!("Packaging line {label}"),
            ot,
            2,
            "high",
            eng,
        )
        .deps(&deps)
        .safe(format!(
            "Empty line {label} and switch it to manual at the HMI"
        ));
        let sys = add(s, line);
        lines.push(Line {
            label,
            sys,
            plc,
            sis,
            hmi,
            drives,
            vision,
            checkweigher,
            edge,
            office_pc,
            robots: robot_ids,
            all: (first..s.len()).collect(),
            eng_role: eng,
        });
    }
    (v, core, lines)
}
