// Checks docker-compose.yml and deploy/ against each other and against docs/operations.md, offline:
//   - every service image has a pinned version tag (no `latest`, no variable);
//   - the default paths of the job jar and the runtime bundle carry the version in pom.xml;
//   - every published port is bound to 127.0.0.1;
//   - Prometheus scrapes the JobManager and the TaskManager on the reporter port that the Flink
//     services configure;
//   - Grafana mounts its provisioning folder, each dashboard provider's path is a mounted folder
//     with at least one dashboard, every dashboard parses as JSON and uses the provisioned
//     datasource;
//   - every metric that a panel's PromQL names is listed in docs/operations.md.
//
// Usage: node check-deploy.mjs REPOSITORY_ROOT. Prints one line per check and exits with 1 when
// any check fails.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "..", ".."));
const failures = [];
let checks = 0;

function check(condition, message) {
  checks++;
  if (!condition) {
    failures.push(message);
  }
}

function readYaml(relative) {
  return YAML.parse(fs.readFileSync(path.join(root, relative), "utf8"));
}

/** Splits a short volume entry "SOURCE:TARGET[:MODE]" into its source and target. */
function parseVolume(entry) {
  const [source, target] = String(entry).split(":");
  return { source, target };
}

const compose = readYaml("docker-compose.yml");
const services = compose.services ?? {};

// Images: a tag that names a version. A digest-only reference would also be pinned but is not
// used here, so it is rejected until someone needs it.
const pinnedTag = /^[a-z0-9][a-z0-9._\/-]*:(?!latest$)[A-Za-z0-9._-]*\d[A-Za-z0-9._-]*$/;
for (const [name, service] of Object.entries(services)) {
  const image = service.image ?? "";
  check(pinnedTag.test(image), `service ${name}: image '${image}' has no pinned version tag`);
}

// Ports: published on the loopback address only.
for (const [name, service] of Object.entries(services)) {
  for (const port of service.ports ?? []) {
    check(String(port).startsWith("127.0.0.1:"), `service ${name}: port '${port}' is not bound to 127.0.0.1`);
  }
}

// Build outputs: the default job jar and runtime bundle paths carry the project's version, so a
// version bump that leaves docker-compose.yml unchanged fails here, not at `docker compose up`.
const projectVersion = /<artifactId>fmad-parent<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(
  fs.readFileSync(path.join(root, "pom.xml"), "utf8"),
)?.[1];
check(projectVersion !== undefined, "pom.xml: no version of fmad-parent found");
const buildOutputs = [...fs.readFileSync(path.join(root, "docker-compose.yml"), "utf8").matchAll(
  /\$\{(FMAD_JOB_JAR|FMAD_RUNTIME_DIR):-([^}]+)\}/g,
)];
check(buildOutputs.length > 0, "docker-compose.yml: no FMAD_JOB_JAR or FMAD_RUNTIME_DIR default path");
for (const [, variable, defaultPath] of buildOutputs) {
  check(
    defaultPath.includes(`-${projectVersion}`),
    `docker-compose.yml: default ${variable} '${defaultPath}' does not carry the project version ${projectVersion}`,
  );
}

// Prometheus: targets on the reporter port of the Flink services.
const flinkProperties = services.jobmanager?.environment?.FLINK_PROPERTIES ?? "";
const reporterPort = /^\s*metrics\.reporter\.prom\.port:\s*(\d+)\s*$/m.exec(flinkProperties)?.[1];
check(reporterPort !== undefined, "jobmanager: FLINK_PROPERTIES sets no metrics.reporter.prom.port");
check(
  /PrometheusReporterFactory/.test(flinkProperties),
  "jobmanager: FLINK_PROPERTIES does not enable the Prometheus reporter",
);
for (const flinkService of ["taskmanager", "job-submitter"]) {
  check(
    services[flinkService]?.environment?.FLINK_PROPERTIES === flinkProperties,
    `service ${flinkService}: FLINK_PROPERTIES differs from the jobmanager's`,
  );
}
const prometheusMount = (services.prometheus?.volumes ?? [])
  .map(parseVolume)
  .find((volume) => volume.target === "/etc/prometheus/prometheus.yml");
check(prometheusMount !== undefined, "prometheus: no volume mounts /etc/prometheus/prometheus.yml");
if (prometheusMount) {
  const prometheus = readYaml(prometheusMount.source);
  const targets = (prometheus.scrape_configs ?? []).flatMap((job) =>
    (job.static_configs ?? []).flatMap((config) => config.targets ?? []),
  );
  for (const flinkService of ["jobmanager", "taskmanager"]) {
    check(
      targets.includes(`${flinkService}:${reporterPort}`),
      `${prometheusMount.source}: no scrape target ${flinkService}:${reporterPort}`,
    );
  }
}

// Grafana: provisioning, dashboard providers and dashboards.
const grafanaVolumes = (services.grafana?.volumes ?? []).map(parseVolume);
const provisioning = grafanaVolumes.find((volume) => volume.target === "/etc/grafana/provisioning");
check(provisioning !== undefined, "grafana: no volume mounts /etc/grafana/provisioning");

const dashboards = [];
let datasourceUids = [];
if (provisioning) {
  const datasourceFolder = path.join(provisioning.source, "datasources");
  for (const file of fs.readdirSync(path.join(root, datasourceFolder))) {
    const datasources = readYaml(path.join(datasourceFolder, file)).datasources ?? [];
    datasourceUids = datasourceUids.concat(datasources.map((datasource) => datasource.uid));
  }
  check(datasourceUids.length > 0, `${datasourceFolder}: no datasource provisioned`);

  const providerFolder = path.join(provisioning.source, "dashboards");
  const providers = fs
    .readdirSync(path.join(root, providerFolder))
    .flatMap((file) => readYaml(path.join(providerFolder, file)).providers ?? []);
  check(providers.length > 0, `${providerFolder}: no dashboard provider`);
  for (const provider of providers) {
    const mount = grafanaVolumes.find((volume) => volume.target === provider.options?.path);
    check(mount !== undefined, `dashboard provider ${provider.name}: path ${provider.options?.path} is not mounted`);
    if (!mount) {
      continue;
    }
    const files = fs.readdirSync(path.join(root, mount.source)).filter((file) => file.endsWith(".json"));
    check(files.length > 0, `${mount.source}: no dashboard JSON file`);
    for (const file of files) {
      const relative = path.join(mount.source, file);
      try {
        dashboards.push({ file: relative, dashboard: JSON.parse(fs.readFileSync(path.join(root, relative), "utf8")) });
      } catch (error) {
        check(false, `${relative}: invalid JSON: ${error.message}`);
      }
    }
  }
}

// PromQL: every metric name is documented. A name followed by `.+` or `.*` is a regular
// expression on __name__ and only has to start a documented name.
const operationsPage = fs.readFileSync(path.join(root, "docs", "operations.md"), "utf8");
const documented = [...operationsPage.matchAll(/`(flink_[A-Za-z0-9_:<>]+)`/g)].map((match) => match[1]);
const documentedPatterns = documented.map(
  (name) => new RegExp("^" + name.replace(/<[A-Z_]+>/g, "[A-Za-z0-9_]+") + "$"),
);
check(documented.length > 0, "docs/operations.md: no Prometheus metric names found");

for (const { file, dashboard } of dashboards) {
  const panels = dashboard.panels ?? [];
  check(panels.length > 0, `${file}: no panels`);
  for (const panel of panels) {
    const targets = panel.targets ?? [];
    check(targets.length > 0, `${file}: panel '${panel.title}' has no queries`);
    check(
      datasourceUids.includes(panel.datasource?.uid),
      `${file}: panel '${panel.title}' uses datasource '${panel.datasource?.uid}', which is not provisioned`,
    );
    for (const target of targets) {
      const expression = target.expr ?? "";
      const names = [...expression.matchAll(/flink_[A-Za-z0-9_:]+/g)];
      check(names.length > 0, `${file}: panel '${panel.title}' query ${target.refId} names no flink_ metric`);
      for (const match of names) {
        const name = match[0];
        const following = expression.slice(match.index + name.length, match.index + name.length + 2);
        const isPrefix = following === ".+" || following === ".*";
        const known = isPrefix
          ? documented.some((entry) => entry.startsWith(name))
          : documentedPatterns.some((pattern) => pattern.test(name));
        check(known, `${file}: panel '${panel.title}' names ${name}, which docs/operations.md does not list`);
      }
    }
  }
}

console.log(`check-deploy: ${checks} checks, ${failures.length} failed`);
for (const failure of failures) {
  console.log(`  FAILED: ${failure}`);
}
process.exit(failures.length === 0 ? 0 : 1);
