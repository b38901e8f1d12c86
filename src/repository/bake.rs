//! `docker buildx bake` files (`docker-bake.hcl`, `docker-bake.json`, `*.override.hcl`): one
//! build per target. HCL is parsed and evaluated with hcl-rs (variable defaults, templates); the
//! JSON form is read with serde_json into the same expressions, so both take one path.
//! Environment overrides of variables are not known here: a default is taken as the value, and
//! whatever does not evaluate (functions, variables without default, matrix items, references
//! to other targets) is unknown, never an error.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use hcl::eval::{Context, Evaluate};
use hcl::{Expression, ObjectKey, TemplateExpr, Value};

use super::{BuildConfig, ConfigKind, ContextDir, join_rel, line_of};

/// `inherits` and nested groups are followed this deep: real files nest two or three levels,
/// and the cap keeps a cycle or a generated chain cheap.
const MAX_DEPTH: usize = 10;

/// A read value; `None` when it does not evaluate here.
type Known = Option<String>;

/// A block's attributes, in order.
type Attrs = Vec<(String, Expression)>;

/// A bake file reduced to what is read, the same for HCL and JSON.
#[derive(Default)]
struct BakeFile {
    /// Variables (and top-level attributes, which bake also takes as variables) with defaults.
    vars: Vec<(String, Option<Expression>)>,
    /// Groups with their `targets` expression; a name may repeat (bake merges them).
    groups: Vec<(String, Expression)>,
    /// Targets with the line of their block and their attributes.
    targets: Vec<(String, usize, Attrs)>,
}

/// What one target states, before or after `inherits` is applied. `None` is "not set";
/// `Some(None)` is "set to a value not read".
#[derive(Clone, Default)]
struct Fields {
    context: Option<Known>,
    dockerfile: Option<Known>,
    inline: bool,
    target: Option<Known>,
    args: Vec<(String, Known)>,
    /// Each as read; `None` for one that cannot be (`linux/${ARCH}` with no default).
    platforms: Option<Vec<Known>>,
    outputs: Option<Vec<String>>,
    /// `no-cache = true`.
    no_cache: Option<bool>,
}

impl Fields {
    /// `top` (a child, or a later parent) over `self`: set attributes replace, args merge.
    fn overlay(&mut self, top: &Fields) {
        set(&mut self.context, &top.context);
        set(&mut self.dockerfile, &top.dockerfile);
        set(&mut self.target, &top.target);
        set(&mut self.platforms, &top.platforms);
        set(&mut self.outputs, &top.outputs);
        set(&mut self.no_cache, &top.no_cache);
        self.inline |= top.inline;
        for (key, value) in &top.args {
            match self.args.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1.clone_from(value),
                None => self.args.push((key.clone(), value.clone())),
            }
        }
    }
}

fn set<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
    if theirs.is_some() {
        mine.clone_from(theirs);
    }
}

pub fn read(file: &Path, text: &str, out: &mut Vec<BuildConfig>) -> Result<(), String> {
    let is_json = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    // The parser and evaluator are dependencies: should one ever panic on some input, that file
    // is unreadable, not the run lost.
    let found = std::panic::catch_unwind(|| {
        let parse = if is_json { from_json } else { from_hcl };
        Ok::<_, String>(builds(file, &parse(text)?))
    })
    .map_err(|_| "the bake file reader failed on it".to_string())??;
    out.extend(found);
    Ok(())
}

fn from_hcl(text: &str) -> Result<BakeFile, String> {
    let body = hcl::parse(text).map_err(|e| e.to_string())?;
    let mut bake = BakeFile::default();
    // Blocks come in file order: each target is looked for from the previous one's line.
    let mut last_target_line = 1;
    for attr in body.attributes() {
        let value = Some(attr.expr().clone());
        bake.vars.push((attr.key().to_string(), value));
    }
    for block in body.blocks() {
        let Some(name) = block.labels().first().map(|l| l.as_str().to_string()) else {
            continue;
        };
        let attrs: Attrs = block
            .body()
            .attributes()
            .map(|a| (a.key().to_string(), a.expr().clone()))
            .collect();
        let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, e)| e.clone());
        match block.identifier() {
            "variable" => bake.vars.push((name, attr("default"))),
            "group" => bake.groups.extend(attr("targets").map(|t| (name, t))),
            "target" => {
                let needle = format!("target \"{name}\"");
                let mut line = line_of(text, &needle, last_target_line);
                if line == last_target_line && !line_has(text, line, &needle) {
                    line = line_of(text, &needle, 1);
                }
                last_target_line = line;
                bake.targets.push((name, line, attrs));
            }
            _ => {}
        }
    }
    Ok(bake)
}

fn line_has(text: &str, line: usize, needle: &str) -> bool {
    text.lines()
        .nth(line.saturating_sub(1))
        .is_some_and(|l| l.contains(needle))
}

/// Bake JSON: top-level `variable`, `group` and `target` objects keyed by name. Its strings are
/// templates as in HCL (`"${TAG}"`).
fn from_json(text: &str) -> Result<BakeFile, String> {
    let root: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut bake = BakeFile::default();
    let section = |key: &str| {
        root.get(key)
            .and_then(serde_json::Value::as_object)
            .into_iter()
            .flatten()
    };
    for (name, var) in section("variable") {
        bake.vars
            .push((name.clone(), var.get("default").map(json_expr)));
    }
    for (name, group) in section("group") {
        bake.groups
            .extend(group.get("targets").map(|t| (name.clone(), json_expr(t))));
    }
    let section_line = line_of(text, "\"target\"", 1);
    for (name, target) in section("target") {
        let attrs = target
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), json_expr(v))).collect())
            .unwrap_or_default();
        let line = line_of(text, &format!("\"{name}\":"), section_line);
        bake.targets.push((name.clone(), line, attrs));
    }
    Ok(bake)
}

fn json_expr(value: &serde_json::Value) -> Expression {
    use serde_json::Value as J;
    match value {
        J::Null => Expression::Null,
        J::Bool(b) => Expression::Bool(*b),
        // Numbers end up as text (an arg, a platform): no need for HCL numbers.
        J::Number(n) => Expression::String(n.to_string()),
        J::String(s) if s.contains("${") || s.contains("%{") => {
            Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(s.clone())))
        }
        J::String(s) => Expression::String(s.clone()),
        J::Array(items) => Expression::Array(items.iter().map(json_expr).collect()),
        J::Object(map) => {
            let entries = map
                .iter()
                .map(|(k, v)| (ObjectKey::from(k.as_str()), json_expr(v)));
            Expression::Object(entries.collect())
        }
    }
}

/// The variables whose defaults evaluate, defaults that use other variables included: rounds
/// until nothing more evaluates, so the order of declaration does not matter.
fn context(vars: &[(String, Option<Expression>)]) -> Context<'static> {
    let mut ctx = Context::new();
    let mut pending: Vec<(&String, &Expression)> = vars
        .iter()
        .filter_map(|(name, default)| Some((name, default.as_ref()?)))
        .collect();
    // Each round declares the defaults that evaluate with those before; a chain of defaults
    // deeper than the cap is not followed further (its end stays unknown).
    for _ in 0..=MAX_DEPTH {
        let before = pending.len();
        pending.retain(|(name, default)| match default.evaluate(&ctx) {
            Ok(value) => {
                ctx.declare_var(name.as_str(), value);
                false
            }
            Err(_) => true,
        });
        if pending.is_empty() || pending.len() == before {
            break;
        }
    }
    ctx
}

/// A value as bake passes it: text, numbers and booleans as written, an object (an `output`
/// entry written as `{type = "registry"}`) as `k=v,k=v`; anything else is not read.
fn scalar(value: &Value) -> Known {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(map) => {
            let parts: Option<Vec<String>> = map
                .iter()
                .map(|(k, v)| Some(format!("{k}={}", scalar(v)?)))
                .collect();
            parts.map(|p| p.join(","))
        }
        Value::Null | Value::Array(_) => None,
    }
}

/// An expression's value as text, `None` when it does not evaluate here.
fn known(expr: &Expression, ctx: &Context) -> Known {
    expr.evaluate(ctx).ok().and_then(|v| scalar(&v))
}

/// A list attribute, element by element, each `None` when not read; the whole list `None`
/// when set to null.
fn known_list(expr: &Expression, ctx: &Context) -> Option<Vec<Known>> {
    if let Expression::Array(items) = expr {
        return Some(items.iter().map(|i| known(i, ctx)).collect());
    }
    match expr.evaluate(ctx) {
        Ok(Value::Null) => None,
        Ok(Value::Array(items)) => Some(items.iter().map(scalar).collect()),
        Ok(value) => Some(vec![scalar(&value)]),
        Err(_) => Some(vec![None]),
    }
}

/// A single-valued attribute: `None` when set to null (bake's "unset").
fn single(expr: &Expression, ctx: &Context) -> Option<Known> {
    match expr.evaluate(ctx) {
        Ok(Value::Null) => None,
        Ok(value) => Some(scalar(&value)),
        Err(_) => Some(None),
    }
}

/// A list attribute, element by element: the elements not read are left out.
fn list(expr: &Expression, ctx: &Context) -> Option<Vec<String>> {
    if let Expression::Array(items) = expr {
        return Some(items.iter().filter_map(|i| known(i, ctx)).collect());
    }
    match expr.evaluate(ctx) {
        Ok(Value::Null) => None,
        Ok(Value::Array(items)) => Some(items.iter().filter_map(scalar).collect()),
        Ok(value) => Some(scalar(&value).into_iter().collect()),
        Err(_) => Some(Vec::new()),
    }
}

/// `args`: a null value (`GO_VERSION = GO_VERSION` with `default = null`) is not passed, so
/// the Dockerfile's default applies, as bake does when its environment does not set it.
fn args(expr: &Expression, ctx: &Context) -> Vec<(String, Known)> {
    if let Expression::Object(map) = expr {
        return map
            .iter()
            .filter_map(|(key, value)| {
                let key = match key {
                    ObjectKey::Identifier(ident) => ident.as_str().to_string(),
                    ObjectKey::Expression(e) => known(e, ctx)?,
                    _ => return None,
                };
                match value.evaluate(ctx) {
                    Ok(Value::Null) => None,
                    Ok(v) => Some((key, scalar(&v))),
                    Err(_) => Some((key, None)),
                }
            })
            .collect();
    }
    match expr.evaluate(ctx) {
        Ok(Value::Object(map)) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), scalar(v)))
            .collect(),
        _ => Vec::new(),
    }
}

/// A target's own attributes, and the names it inherits from.
fn own_fields(attrs: &[(String, Expression)], ctx: &Context) -> (Fields, Vec<String>) {
    let mut fields = Fields::default();
    let mut inherits = Vec::new();
    for (key, expr) in attrs {
        match key.as_str() {
            "context" => fields.context = single(expr, ctx),
            "dockerfile" => fields.dockerfile = single(expr, ctx),
            "dockerfile-inline" => fields.inline = single(expr, ctx).is_some(),
            "target" => fields.target = single(expr, ctx),
            "args" => fields.args = args(expr, ctx),
            "platforms" => fields.platforms = known_list(expr, ctx),
            "output" => fields.outputs = list(expr, ctx),
            "no-cache" => {
                fields.no_cache = Some(matches!(expr.evaluate(ctx), Ok(Value::Bool(true))));
            }
            "inherits" => inherits = list(expr, ctx).unwrap_or_default(),
            _ => {}
        }
    }
    (fields, inherits)
}

/// A target as stated in the file, before `inherits`.
struct Target<'a> {
    name: &'a str,
    line: usize,
    own: Fields,
    inherits: Vec<String>,
}

/// Parents visited to resolve one target: a generated file where every target inherits from
/// all the ones before would otherwise take exponential time.
const MAX_VISITS: usize = 1000;

/// The target with its parents applied in order, then its own attributes over them. A cycle, a
/// chain past the cap or a spent budget stops at the target's own attributes.
fn resolve(targets: &[Target], name: &str, budget: &mut usize, stack: &mut Vec<String>) -> Fields {
    let Some(target) = targets.iter().find(|t| t.name == name) else {
        return Fields::default();
    };
    *budget = budget.saturating_sub(1);
    if *budget == 0 || stack.len() > MAX_DEPTH || stack.iter().any(|s| s == name) {
        return target.own.clone();
    }
    stack.push(name.to_string());
    let mut fields = Fields::default();
    for parent in &target.inherits {
        fields.overlay(&resolve(targets, parent, budget, stack));
    }
    fields.overlay(&target.own);
    stack.pop();
    fields
}

/// The targets the default group builds, through nested groups; with no default group, bake
/// builds the target named `default`.
fn default_targets(groups: &[(String, Vec<String>)]) -> HashSet<&str> {
    if !groups.iter().any(|(g, _)| g == "default") {
        return HashSet::from(["default"]);
    }
    let mut members = HashSet::new();
    let mut todo = vec![("default", 0)];
    while let Some((group, depth)) = todo.pop() {
        for (_, targets) in groups.iter().filter(|(g, _)| g == group) {
            for member in targets {
                if members.insert(member.as_str()) && depth < MAX_DEPTH {
                    todo.push((member, depth + 1));
                }
            }
        }
    }
    members
}

fn builds(file: &Path, bake: &BakeFile) -> Vec<BuildConfig> {
    let ctx = context(&bake.vars);
    // A name declared twice is one target whose later attributes win (as with override files).
    let mut targets: Vec<Target> = Vec::new();
    for (name, line, attrs) in &bake.targets {
        let (own, inherits) = own_fields(attrs, &ctx);
        match targets.iter_mut().find(|t| t.name == name) {
            Some(t) => {
                t.own.overlay(&own);
                t.inherits.extend(inherits);
            }
            None => targets.push(Target {
                name,
                line: *line,
                own,
                inherits,
            }),
        }
    }
    let groups: Vec<(String, Vec<String>)> = bake
        .groups
        .iter()
        .map(|(name, targets)| (name.clone(), list(targets, &ctx).unwrap_or_default()))
        .collect();
    let by_default = default_targets(&groups);
    let grouped: HashSet<&str> = groups
        .iter()
        .flat_map(|(_, t)| t.iter().map(String::as_str))
        .collect();
    let inherited: HashSet<&str> = targets
        .iter()
        .flat_map(|t| t.inherits.iter().map(String::as_str))
        .collect();

    let dir = file.parent().unwrap_or(Path::new(""));
    let is_override = file
        .file_name()
        .is_some_and(|n| n.to_string_lossy().contains(".override."));
    let mut found = Vec::new();
    for t in &targets {
        // Judgement call: a target only ever inherited from, stating neither context nor
        // dockerfile and in no group, is a template (`_common`, `docker-metadata-action`), not
        // a build of its own; emitting it would add a phantom build of `./Dockerfile`. One that
        // states a Dockerfile or context may well be built by name, so it stays.
        let template = t.own.context.is_none() && t.own.dockerfile.is_none();
        if template
            && inherited.contains(t.name)
            && !grouped.contains(t.name)
            && !by_default.contains(t.name)
        {
            continue;
        }
        let mut budget = MAX_VISITS;
        let fields = resolve(&targets, t.name, &mut budget, &mut Vec::new());
        // An override file (`docker-bake.override.hcl`) amends targets of the main file, read on
        // its own: a target there that names no Dockerfile or context is such an amendment,
        // not a build of `./Dockerfile`.
        if is_override && fields.context.is_none() && fields.dockerfile.is_none() {
            continue;
        }
        let Some((dockerfile, context)) = locate(dir, &fields) else {
            continue;
        };
        // An output says where the result goes: a registry publishes; files for the host
        // (`./bin`, `type=local`, `type=tar`) or the cache do not, even in the default group.
        // An output that does not evaluate here (`bindir(...)`) is as good as a local one.
        let output_set = fields.outputs.is_some();
        let outputs = fields.outputs.unwrap_or_default();
        let pushes = outputs
            .iter()
            .any(|o| o.contains("type=registry") || o.contains("push=true"));
        let by_default = by_default.contains(t.name) && (!output_set || pushes);
        // A platform list may also be written as one comma-separated string.
        let written = fields.platforms.unwrap_or_default();
        let platforms_unread = written.iter().any(Option::is_none);
        let platforms = written.into_iter().flatten().collect::<Vec<_>>().join(",");
        let platforms = platforms
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty());
        found.push(BuildConfig {
            kind: ConfigKind::Bake,
            file: file.to_path_buf(),
            line: t.line,
            name: Some(t.name.to_string()),
            dockerfile,
            context,
            target: fields.target.flatten(),
            args: fields.args,
            platforms: platforms.map(String::from).collect(),
            platforms_unread,
            publishes: by_default || pushes,
            local: None,
            released: None,
            runs_in_image: None,
            only_if_absent: None,
            documented: None,
            no_cache: fields.no_cache == Some(true),
            tags: Vec::new(),
            git_checkout: false,
            classic_builder: false,
        });
    }
    found
}

/// The Dockerfile (relative to the root) and context of a target, or `None` when the Dockerfile
/// is not one of this repository's files or cannot be told: an inline Dockerfile, a remote or
/// `target:` context, a value not read.
fn locate(dir: &Path, fields: &Fields) -> Option<(PathBuf, ContextDir)> {
    if fields.inline {
        return None;
    }
    let dockerfile = match &fields.dockerfile {
        None => "Dockerfile",
        Some(known) => known.as_deref()?,
    };
    let context = match &fields.context {
        None => Some("."),
        Some(known) => known.as_deref(),
    };
    // `cwd://` is relative to where bake runs; bake finds its file in the directory it runs in,
    // so that directory is taken for the Dockerfile, but the context is left unknown.
    if let Some(rest) = dockerfile.strip_prefix("cwd://") {
        let context = match context.and_then(|c| local_dir(dir, c)) {
            Some(c) => ContextDir::Dir(c),
            None => ContextDir::Unknown,
        };
        return Some((join_rel(dir, rest)?, context));
    }
    let context = context?;
    if let Some(rest) = context.strip_prefix("cwd://") {
        let base = join_rel(dir, rest)?;
        return Some((join_rel(&base, dockerfile)?, ContextDir::Unknown));
    }
    // The Dockerfile is relative to the context; with a remote context it is in the remote.
    let base = local_dir(dir, context)?;
    Some((join_rel(&base, dockerfile)?, ContextDir::Dir(base)))
}

/// A context that is a directory of the repository, relative to the root.
fn local_dir(dir: &Path, context: &str) -> Option<PathBuf> {
    let remote =
        context.contains("://") || context.starts_with("git@") || context.starts_with("target:");
    if remote { None } else { join_rel(dir, context) }
}

#[cfg(test)]
#[path = "bake_tests.rs"]
mod tests;
