import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { appConfigSchema, SECRET_VARIABLES } from '@app/config';

/**
 * Keeps the deployment files honest: the commands, variables, ports and health
 * paths that the Dockerfile, deploy/docker-compose.yml and deploy/k8s name must
 * be the ones the code has. Every check returns a list of problems; the last
 * block feeds each check a broken copy to show that it can fail.
 */

const ROOT = join(__dirname, '..');
const IMAGE = 'zone-safety:latest';
const HTTP_PORT = 3000;
const HEALTH_PATH = '/health';
/** The four apps of SPEC.md, by their folder under apps/. */
const SPEC_APPS = ['command-center', 'dispatch', 'ingest', 'risk-engine'];

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

// ---------------------------------------------------------------- shapes

type EnvValue = string | number | boolean | null;

interface ComposeService {
  image?: string;
  command?: string | string[];
  environment?: Record<string, EnvValue> | string[];
  ports?: (string | number | { target: number })[];
  expose?: (string | number)[];
  healthcheck?: { test?: string | string[] };
  depends_on?: string[] | Record<string, { condition?: string }>;
  deploy?: { replicas?: number };
  secrets?: (string | { source: string; target?: string })[];
}
interface Compose {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string }>;
}

interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Volume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    replicas?: number;
    selector?: Record<string, string> | { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> }; spec: { containers: Container[]; volumes?: Volume[] } };
    ports?: { port: number; targetPort?: number | string }[];
  };
}

// ---------------------------------------------------------------- loading

function loadCompose(): Compose {
  // `merge` resolves the `<<: *app` keys, as docker compose does.
  return parse(read('deploy/docker-compose.yml'), { merge: true }) as Compose;
}

function k8sResources(): string[] {
  return (parse(read('deploy/k8s/kustomization.yaml')) as { resources: string[] }).resources;
}

function loadManifests(): Manifest[] {
  return k8sResources().flatMap((file) =>
    parseAllDocuments(read(join('deploy/k8s', file))).map((doc) => {
      if (doc.errors.length) throw new Error(`deploy/k8s/${file}: ${doc.errors[0].message}`);
      return doc.toJS() as Manifest;
    }),
  );
}

interface DockerInstruction {
  op: string;
  args: string;
}

function dockerInstructions(src: string): DockerInstruction[] {
  return src
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, op, args] = /^(\S+)\s*(.*)$/.exec(line) ?? ['', line, ''];
      return { op: op.toUpperCase(), args };
    });
}

/** The instructions of each stage, FROM first. */
function dockerStages(instructions: DockerInstruction[]): DockerInstruction[][] {
  const stages: DockerInstruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.op === 'FROM') stages.push([]);
    stages[stages.length - 1]?.push(instruction);
  }
  return stages;
}

// ---------------------------------------------------------------- checks shared by all files

const ENTRY = /^dist\/apps\/([a-z0-9-]+)\/src\/main\.js$/;

function commandWords(command: unknown): string[] {
  if (Array.isArray(command)) return command.map(String);
  return typeof command === 'string' ? command.trim().split(/\s+/) : [];
}

/** The app a command runs (dist/apps/X/src/main.js -> X), if it runs one. */
function appOfCommand(command: unknown): string | undefined {
  const words = commandWords(command);
  return words[0] === 'node' && words.length === 2 ? ENTRY.exec(words[1])?.[1] : undefined;
}

const startScriptEntries = (): string[] =>
  Object.entries((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts)
    .filter(([name]) => name === 'start' || name.startsWith('start:'))
    .map(([, script]) => script);

/** A command must be `node dist/apps/X/src/main.js`, built from apps/X/src/main.ts, as an npm start script runs it. */
function commandProblems(where: string, command: unknown): string[] {
  const app = appOfCommand(command);
  if (!app) return [`${where}: command ${JSON.stringify(command)} is not "node dist/apps/<app>/src/main.js"`];
  const source = `apps/${app}/src/main.ts`;
  if (!existsSync(join(ROOT, source))) return [`${where}: runs ${app}, but ${source} does not exist`];
  const script = commandWords(command).join(' ');
  if (!startScriptEntries().includes(script)) return [`${where}: "${script}" is not what any npm start script runs`];
  return [];
}

/** Every variable handed to an app must be one its configuration schema reads, or a secret's `<NAME>_FILE`. */
function variableProblems(where: string, names: string[]): string[] {
  const known = new Set([...Object.keys(appConfigSchema.shape), ...SECRET_VARIABLES.map((name) => `${name}_FILE`)]);
  return names.filter((name) => !known.has(name)).map((name) => `${where}: ${name} is not a variable of appConfigSchema`);
}

/** The values an app is given must pass the validation it runs at boot. */
function configValueProblems(where: string, env: Record<string, string>): string[] {
  const result = appConfigSchema.safeParse(env);
  return result.success ? [] : result.error.issues.map((i) => `${where}: ${i.path.join('.')}: ${i.message}`);
}

/** The variables that name a file the app reads at start: secrets and certificates. */
const FILE_VARIABLES = [...SECRET_VARIABLES.map((name) => `${name}_FILE`), 'MQTT_CA', 'MQTT_CERT', 'MQTT_KEY', 'KAFKA_CA', 'DATABASE_CA'];

/**
 * Every hop TLS with the server verified against a CA, and authenticated: MQTT over mqtts://, Kafka over SASL_SSL
 * with SCRAM, PostgreSQL with verify-full; and no secret in the environment itself, only as `<NAME>_FILE`.
 */
function wireSecurityProblems(where: string, env: Record<string, string>): string[] {
  const problems: string[] = [];
  if (env.MQTT_URL && !env.MQTT_URL.startsWith('mqtts://')) problems.push(`${where}: MQTT_URL ${env.MQTT_URL} is not mqtts://`);
  if (env.MQTT_URL && !env.MQTT_CA) problems.push(`${where}: MQTT_URL without MQTT_CA`);
  if (env.KAFKA_BROKERS) {
    if (env.KAFKA_SSL !== 'true') problems.push(`${where}: Kafka without KAFKA_SSL=true`);
    if (!env.KAFKA_CA) problems.push(`${where}: Kafka without KAFKA_CA`);
    if (!/^scram-sha-(256|512)$/.test(env.KAFKA_SASL_MECHANISM ?? ''))
      problems.push(`${where}: Kafka without a SCRAM KAFKA_SASL_MECHANISM`);
    if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD_FILE)
      problems.push(`${where}: Kafka without KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE`);
  }
  if (!env.DATABASE_URL_FILE) problems.push(`${where}: no DATABASE_URL_FILE`);
  if (!env.DATABASE_CA) problems.push(`${where}: no DATABASE_CA`);
  for (const name of SECRET_VARIABLES) if (env[name] !== undefined) problems.push(`${where}: ${name} given inline, not as ${name}_FILE`);
  return problems;
}

/** Every file an app is told to read is a path where one of its mounts puts a file. */
function mountedFileProblems(where: string, env: Record<string, string>, mountedFiles: string[]): string[] {
  return FILE_VARIABLES.filter((name) => env[name] && !mountedFiles.includes(env[name])).map(
    (name) => `${where}: ${name} ${env[name]} is no file the container has mounted`,
  );
}

function portProblems(where: string, env: Record<string, string>, containerPorts: number[]): string[] {
  const problems: string[] = [];
  if (env.PORT !== String(HTTP_PORT)) problems.push(`${where}: PORT is ${env.PORT ?? 'unset'}, expected ${HTTP_PORT}`);
  if (containerPorts.length === 0) problems.push(`${where}: no container port`);
  for (const port of containerPorts) {
    if (String(port) !== env.PORT) problems.push(`${where}: container port ${port} is not PORT (${env.PORT})`);
  }
  return problems;
}

function healthTargetProblems(where: string, target: { path?: string; port?: number | string } | undefined, port: number): string[] {
  if (!target) return [`${where}: no HTTP health check`];
  const problems: string[] = [];
  if (target.path !== HEALTH_PATH) problems.push(`${where}: checks ${target.path}, not ${HEALTH_PATH}`);
  if (String(target.port) !== String(port)) problems.push(`${where}: checks port ${target.port}, not ${port}`);
  return problems;
}

interface HealthSources {
  controller: string;
  module: string;
  infrastructure: string;
  mains: Record<string, string>;
}

function healthSources(): HealthSources {
  return {
    controller: read('libs/observability/src/health.controller.ts'),
    module: read('libs/observability/src/observability.module.ts'),
    infrastructure: read('libs/config/src/infrastructure.module.ts'),
    mains: Object.fromEntries(SPEC_APPS.map((app) => [app, read(`apps/${app}/src/main.ts`)])),
  };
}

/** The apps really serve GET /health: an unprefixed controller with @Get('health'), in a module every app's InfrastructureModule imports. */
function servedHealthProblems(sources: HealthSources): string[] {
  const problems: string[] = [];
  if (!/@Controller\(\s*\)/.test(sources.controller)) problems.push('HealthController: @Controller() has a route prefix');
  if (!/@Get\(\s*['"]health['"]\s*\)/.test(sources.controller)) problems.push("HealthController: no @Get('health')");
  if (!/controllers:\s*\[[^\]]*\bHealthController\b/.test(sources.module))
    problems.push('ObservabilityModule: does not declare HealthController');
  if (!/imports:\s*\[[^\]]*\bObservabilityModule\b/.test(sources.infrastructure))
    problems.push('InfrastructureModule: does not import ObservabilityModule');
  for (const [app, main] of Object.entries(sources.mains)) {
    if (!/\bInfrastructureModule\.forRoot\(/.test(main)) problems.push(`apps/${app}/src/main.ts: does not import InfrastructureModule`);
  }
  const prefixed = ['apps', 'libs'].some((dir) => grepTree(join(ROOT, dir), /\.setGlobalPrefix\(/));
  if (prefixed) problems.push('a global route prefix moves /health');
  return problems;
}

function grepTree(dir: string, pattern: RegExp): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return grepTree(path, pattern);
    return entry.name.endsWith('.ts') && !entry.name.includes('spec') && pattern.test(readFileSync(path, 'utf8'));
  });
}

// ---------------------------------------------------------------- compose

function appServices(compose: Compose): [string, ComposeService][] {
  return Object.entries(compose.services).filter(([, service]) => service.image === IMAGE);
}

/** Compose interpolation with the file's own defaults (`${VAR:-default}`), independent of the shell. */
function interpolate(value: string): string {
  return value
    .replace(/\$\{(\w+)(?::?-([^}]*))?(?::?\?[^}]*)?\}/g, (_, _name: string, fallback?: string) => fallback ?? '')
    .replace(/\$\$/g, '$');
}

function composeEnv(service: ComposeService): Record<string, string> {
  const entries: [string, EnvValue][] = Array.isArray(service.environment)
    ? service.environment.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {});
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(value === null ? '' : String(value))]));
}

function composeContainerPorts(service: ComposeService): number[] {
  const fromPorts = (service.ports ?? []).map((p) => (typeof p === 'object' ? p.target : Number(String(p).split('/')[0].split(':').pop())));
  return [...fromPorts, ...(service.expose ?? []).map((p) => Number(String(p).split('/')[0]))];
}

function healthcheckUrl(service: ComposeService): { path: string; port: string } | undefined {
  const test = commandWords(service.healthcheck?.test).join(' ');
  const match = /https?:\/\/(?:localhost|127\.0\.0\.1):(\d+)(\/[^'"`\s)]*)/.exec(test);
  return match ? { port: match[1], path: match[2] } : undefined;
}

/** Where compose puts a service's secrets: /run/secrets/<name> unless a target says otherwise; only secrets of the file count. */
function composeSecretFiles(compose: Compose, service: ComposeService): string[] {
  return (service.secrets ?? [])
    .map((secret) => (typeof secret === 'string' ? { source: secret, target: undefined } : secret))
    .filter(({ source }) => compose.secrets?.[source]?.file !== undefined)
    .map(({ source, target }) => (target?.startsWith('/') ? target : `/run/secrets/${target ?? source}`));
}

function composeAppProblems(compose: Compose): string[] {
  return appServices(compose).flatMap(([name, service]) => {
    const where = `compose ${name}`;
    const env = composeEnv(service);
    return [
      ...commandProblems(where, service.command),
      ...variableProblems(where, Object.keys(env)),
      ...configValueProblems(where, env),
      ...wireSecurityProblems(where, env),
      ...mountedFileProblems(where, env, composeSecretFiles(compose, service)),
      ...portProblems(where, env, composeContainerPorts(service)),
      ...healthTargetProblems(`${where} healthcheck`, healthcheckUrl(service), Number(env.PORT)),
    ];
  });
}

/** Apps wait for what they use to be healthy, and what they wait for has a health check. */
function dependsOnProblems(compose: Compose): string[] {
  return appServices(compose).flatMap(([name, service]) => {
    const dependsOn = service.depends_on;
    if (!dependsOn || Array.isArray(dependsOn) || Object.keys(dependsOn).length === 0) {
      return [`compose ${name}: depends_on must name services with condition: service_healthy`];
    }
    return Object.entries(dependsOn).flatMap(([target, { condition }]) => {
      if (condition !== 'service_healthy') return [`compose ${name}: waits for ${target} with ${condition}, not service_healthy`];
      if (!compose.services[target]?.healthcheck) return [`compose ${name}: waits for ${target}, which has no healthcheck`];
      return [];
    });
  });
}

/** MQTT_URL, KAFKA_BROKERS and DATABASE_URL point at services of the same file. */
function addressProblems(compose: Compose): string[] {
  return appServices(compose).flatMap(([name, service]) => {
    const env = composeEnv(service);
    const hosts = [
      ...(env.MQTT_URL ? [new URL(env.MQTT_URL).hostname] : []),
      ...(env.DATABASE_URL ? [new URL(env.DATABASE_URL).hostname] : []),
      ...(env.KAFKA_BROKERS ? env.KAFKA_BROKERS.split(',').map((b) => b.trim().split(':')[0]) : []),
    ];
    return hosts.filter((host) => !compose.services[host]).map((host) => `compose ${name}: ${host} is not a service of the file`);
  });
}

/** The secrets compose mounts are files in deploy/, or among those make-secrets.sh made into madeDir (deploy/tls/secrets/ in use). */
function composeSecretSourceProblems(compose: Compose, madeDir: string): string[] {
  return Object.entries(compose.secrets ?? {}).flatMap(([name, { file }]) => {
    if (!file) return [`compose secret ${name}: no file`];
    const made = file.startsWith('./tls/secrets/') && existsSync(join(madeDir, file.slice('./tls/secrets/'.length)));
    return made || existsSync(join(ROOT, 'deploy', file))
      ? []
      : [`compose secret ${name}: ${file} is neither in deploy/ nor made by make-secrets.sh`];
  });
}

/** Runs deploy/tls/make-secrets.sh into a temp folder of its own. */
function makeSecrets(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zone-deploy-secrets-'));
  execFileSync('bash', [join(ROOT, 'deploy/tls/make-secrets.sh')], { env: { ...process.env, ZONE_SECRETS_DIR: dir }, stdio: 'ignore' });
  return dir;
}

function kraftProblems(compose: Compose): string[] {
  const kafka = Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('apache/kafka'));
  if (kafka.length === 0) return ['compose: no apache/kafka service'];
  return kafka.flatMap(([name, service]) => {
    const env = composeEnv(service);
    const roles = (env.KAFKA_PROCESS_ROLES ?? '').split(',').map((r) => r.trim());
    const problems: string[] = [];
    if (!roles.includes('controller') || !roles.includes('broker'))
      problems.push(`compose ${name}: KAFKA_PROCESS_ROLES is not broker,controller (KRaft)`);
    if (env.KAFKA_ZOOKEEPER_CONNECT) problems.push(`compose ${name}: uses ZooKeeper`);
    if (!service.healthcheck) problems.push(`compose ${name}: no healthcheck`);
    return problems;
  });
}

// ---------------------------------------------------------------- kubernetes

function deployments(manifests: Manifest[]): Manifest[] {
  return manifests.filter((m) => m.kind === 'Deployment');
}

function containersOf(deployment: Manifest): Container[] {
  return deployment.spec?.template?.spec.containers ?? [];
}

function findManifest(manifests: Manifest[], kind: string, name: string): Manifest | undefined {
  return manifests.find((m) => m.kind === kind && m.metadata.name === name);
}

function secretData(secret: Manifest): Record<string, string> {
  const decoded = Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]);
  return { ...Object.fromEntries(decoded), ...(secret.stringData ?? {}) };
}

/** A container's environment as Kubernetes would build it; dangling references are problems. */
function containerEnv(where: string, container: Container, manifests: Manifest[]): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const manifest = ref && findManifest(manifests, kind, ref.name);
    if (!manifest) problems.push(`${where}: envFrom ${kind} ${ref?.name} is not in the manifests`);
    else Object.assign(env, kind === 'ConfigMap' ? manifest.data : secretData(manifest));
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
    if (!variable.valueFrom) {
      env[variable.name] = variable.value ?? '';
      continue;
    }
    const kind = variable.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
    const manifest = ref && findManifest(manifests, kind, ref.name);
    const data = manifest ? (kind === 'ConfigMap' ? (manifest.data ?? {}) : secretData(manifest)) : {};
    if (!ref || !(ref.key in data))
      problems.push(`${where}: ${variable.name} refers to ${kind} ${ref?.name} key ${ref?.key}, which does not exist`);
    else env[variable.name] = data[ref.key];
  }
  return { env, problems };
}

/** The files a container's secret volumes put under its mounts, and items naming a key their Secret (when in the manifests) lacks. */
function k8sSecretFiles(
  where: string,
  deployment: Manifest,
  container: Container,
  manifests: Manifest[],
): { files: string[]; problems: string[] } {
  const volumes = deployment.spec?.template?.spec.volumes ?? [];
  const files: string[] = [];
  const problems: string[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const secret = volumes.find((v) => v.name === mount.name)?.secret;
    if (!secret) continue;
    const manifest = findManifest(manifests, 'Secret', secret.secretName);
    const items = secret.items ?? Object.keys(manifest ? secretData(manifest) : {}).map((key) => ({ key, path: key }));
    for (const { key, path } of items) {
      if (manifest && !(key in secretData(manifest)))
        problems.push(`${where}: mounts Secret ${secret.secretName} key ${key}, which does not exist`);
      files.push(`${mount.mountPath.replace(/\/$/, '')}/${path}`);
    }
  }
  return { files, problems };
}

function k8sContainerProblems(manifests: Manifest[]): string[] {
  return deployments(manifests).flatMap((deployment) =>
    containersOf(deployment).flatMap((container) => {
      const where = `k8s ${deployment.metadata.name}/${container.name}`;
      const { env, problems } = containerEnv(where, container, manifests);
      const secretFiles = k8sSecretFiles(where, deployment, container, manifests);
      const probes = {
        startupProbe: container.startupProbe,
        readinessProbe: container.readinessProbe,
        livenessProbe: container.livenessProbe,
      };
      const probeProblems = Object.entries(probes).flatMap(([kind, probe]) => {
        if (!probe) return kind === 'startupProbe' ? [] : [`${where}: no ${kind}`];
        const target = probe.httpGet && { ...probe.httpGet, port: namedPort(container, probe.httpGet.port) };
        return healthTargetProblems(`${where} ${kind}`, target, Number(env.PORT));
      });
      const { requests, limits } = container.resources ?? {};
      return [
        ...(container.image === IMAGE ? [] : [`${where}: image ${container.image} is not ${IMAGE}`]),
        ...commandProblems(where, container.command),
        ...problems,
        ...variableProblems(
          where,
          (container.env ?? []).map((v) => v.name),
        ),
        ...configValueProblems(where, env),
        ...wireSecurityProblems(where, env),
        ...secretFiles.problems,
        ...mountedFileProblems(where, env, secretFiles.files),
        ...portProblems(
          where,
          env,
          (container.ports ?? []).map((p) => p.containerPort),
        ),
        ...probeProblems,
        ...(requests?.cpu && requests.memory && limits?.memory
          ? []
          : [`${where}: resources need cpu and memory requests and a memory limit`]),
      ];
    }),
  );
}

function namedPort(container: Container, port: number | string | undefined): number | string | undefined {
  if (typeof port !== 'string' || /^\d+$/.test(port)) return port;
  return container.ports?.find((p) => p.name === port)?.containerPort ?? port;
}

/** ConfigMap and Secret keys become variables through envFrom, so they too must be schema keys. */
function k8sConfigKeyProblems(manifests: Manifest[]): string[] {
  return manifests.flatMap((m) => {
    if (m.kind === 'ConfigMap') return variableProblems(`k8s ConfigMap ${m.metadata.name}`, Object.keys(m.data ?? {}));
    if (m.kind === 'Secret') return variableProblems(`k8s Secret ${m.metadata.name}`, Object.keys(secretData(m)));
    return [];
  });
}

function matchLabels(deployment: Manifest): Record<string, string> {
  const selector = deployment.spec?.selector as { matchLabels?: Record<string, string> } | undefined;
  return selector?.matchLabels ?? {};
}

const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Each Deployment has a Service on port 3000 that selects its pods and reaches the container port. */
function serviceProblems(manifests: Manifest[]): string[] {
  const services = manifests.filter((m) => m.kind === 'Service');
  return deployments(manifests).flatMap((deployment) => {
    const where = `k8s ${deployment.metadata.name}`;
    const labels = deployment.spec?.template?.metadata?.labels ?? {};
    const problems: string[] = [];
    if (!selects(matchLabels(deployment), labels)) problems.push(`${where}: selector does not match the pod labels`);
    const service = services.find((s) => selects((s.spec?.selector ?? {}) as Record<string, string>, labels));
    if (!service) return [...problems, `${where}: no Service selects its pods`];
    const container = containersOf(deployment)[0];
    for (const port of service.spec?.ports ?? []) {
      if (port.port !== HTTP_PORT) problems.push(`${where}: Service port ${port.port} is not ${HTTP_PORT}`);
      const target = namedPort(container, port.targetPort ?? port.port);
      if (!container.ports?.some((p) => p.containerPort === target))
        problems.push(`${where}: Service targetPort ${port.targetPort} reaches no container port`);
    }
    return problems;
  });
}

function k8sApps(manifests: Manifest[]): string[] {
  return deployments(manifests)
    .flatMap((d) => containersOf(d).map((c) => appOfCommand(c.command) ?? '?'))
    .sort();
}

// ---------------------------------------------------------------- Dockerfile

function dockerignored(path: string, ignore: string[]): boolean {
  return ignore.some((pattern) => {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
    return regex.test(path.replace(/^\.\//, '').replace(/\/$/, ''));
  });
}

function dockerfileProblems(dockerfile: string, dockerignore: string): string[] {
  const problems: string[] = [];
  const stages = dockerStages(dockerInstructions(dockerfile));
  const ignore = dockerignore
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (stages.length < 2) problems.push('Dockerfile: not multi-stage');
  for (const stage of stages) {
    if (!/^node:20-bookworm-slim\b/.test(stage[0].args)) problems.push(`Dockerfile: FROM ${stage[0].args} is not node:20-bookworm-slim`);
  }
  const runs = (stage: DockerInstruction[] | undefined): string[] => (stage ?? []).filter((i) => i.op === 'RUN').map((i) => i.args);
  const build = stages[0];
  const runtime = stages[stages.length - 1] ?? [];
  if (!runs(build).some((r) => /\bnpm ci\b/.test(r))) problems.push('Dockerfile: build stage does not run npm ci');
  if (!runs(build).some((r) => /\bnpm run build\b/.test(r))) problems.push('Dockerfile: build stage does not run npm run build');
  if (!runs(runtime).some((r) => /\bnpm ci\b.*--omit=dev/.test(r)))
    problems.push('Dockerfile: runtime stage does not install with npm ci --omit=dev');
  if (!runtime.some((i) => i.op === 'COPY' && /--from=\S+\s+\S*dist\b/.test(i.args)))
    problems.push('Dockerfile: runtime stage does not copy dist/ from the build');
  const user = [...runtime]
    .reverse()
    .find((i) => i.op === 'USER')
    ?.args.split(':')[0];
  if (!user || user === 'root' || user === '0') problems.push(`Dockerfile: runtime user is ${user ?? 'root (no USER)'}`);
  const exposed = runtime
    .filter((i) => i.op === 'EXPOSE')
    .flatMap((i) => i.args.split(/\s+/))
    .map((p) => p.split('/')[0]);
  for (const port of [String(HTTP_PORT), '1883']) if (!exposed.includes(port)) problems.push(`Dockerfile: does not EXPOSE ${port}`);
  const cmd = [...runtime].reverse().find((i) => i.op === 'CMD');
  if (!cmd) problems.push('Dockerfile: no CMD');
  else problems.push(...commandProblems('Dockerfile CMD', JSON.parse(cmd.args) as unknown));
  for (const copy of stages.flat().filter((i) => i.op === 'COPY' && !i.args.includes('--from='))) {
    const words = copy.args.split(/\s+/).filter((w) => !w.startsWith('--'));
    for (const source of words.slice(0, -1)) {
      if (!existsSync(join(ROOT, source))) problems.push(`Dockerfile: COPY ${source}, which does not exist`);
      else if (dockerignored(source, ignore)) problems.push(`Dockerfile: COPY ${source}, which .dockerignore leaves out`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- the specs

describe('deployment files', () => {
  describe('Dockerfile', () => {
    it('builds in one stage and runs dist/ with production dependencies as a non-root user in another', () => {
      expect(dockerfileProblems(read('Dockerfile'), read('.dockerignore'))).toEqual([]);
    });
  });

  describe('docker-compose.yml', () => {
    const compose = loadCompose();

    it('runs the four apps of SPEC.md from the one image', () => {
      expect(
        appServices(compose)
          .map(([, s]) => appOfCommand(s.command))
          .sort(),
      ).toEqual(SPEC_APPS);
    });

    it('gives each app a real entry point, schema variables with valid values, PORT as its container port and /health as its healthcheck', () => {
      expect(composeAppProblems(compose)).toEqual([]);
    });

    it('sets MQTT_URL, KAFKA_BROKERS and DATABASE_URL_FILE on every app, pointing at services of the file', () => {
      for (const [name, service] of appServices(compose)) {
        expect([name, Object.keys(composeEnv(service))]).toEqual([
          name,
          expect.arrayContaining(['MQTT_URL', 'KAFKA_BROKERS', 'DATABASE_URL_FILE', 'PORT']),
        ]);
      }
      expect(addressProblems(compose)).toEqual([]);
    });

    it('mounts only secrets that are in deploy/ or made by deploy/tls/make-secrets.sh', () => {
      const made = makeSecrets();
      try {
        expect(composeSecretSourceProblems(compose, made)).toEqual([]);
        expect(readFileSync(join(made, 'database-url'), 'utf8')).toMatch(
          /^postgres:\/\/postgres:[0-9a-f]{48}@timescaledb:5432\/zone\?sslmode=verify-full$/,
        );
      } finally {
        rmSync(made, { recursive: true, force: true });
      }
    });

    it('starts apps only once their dependencies are healthy', () => {
      expect(dependsOnProblems(compose)).toEqual([]);
    });

    it('runs Kafka in KRaft mode', () => {
      expect(kraftProblems(compose)).toEqual([]);
    });

    it('publishes the command center on 3000 and MQTT over TLS on 8883', () => {
      expect(compose.services['command-center'].ports).toContain(`${HTTP_PORT}:${HTTP_PORT}`);
      expect(Object.values(compose.services).flatMap((s) => s.ports ?? [])).toContain('8883:8883');
    });
  });

  describe('Kubernetes manifests', () => {
    const manifests = loadManifests();

    it('lists every manifest of deploy/k8s in kustomization.yaml', () => {
      const files = readdirSync(join(ROOT, 'deploy/k8s')).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
      expect([...k8sResources()].sort()).toEqual(files.sort());
    });

    it('deploys the four apps of SPEC.md, each with a Service', () => {
      expect(k8sApps(manifests)).toEqual(SPEC_APPS);
      expect(serviceProblems(manifests)).toEqual([]);
    });

    it('gives each container a real entry point, schema variables with valid values, PORT as its container port and /health probes', () => {
      expect(k8sContainerProblems(manifests)).toEqual([]);
    });

    it('keeps only schema variables in the ConfigMap and the Secret', () => {
      expect(k8sConfigKeyProblems(manifests)).toEqual([]);
      expect(
        manifests
          .filter((m) => m.kind === 'ConfigMap' || m.kind === 'Secret')
          .map((m) => m.kind)
          .sort(),
      ).toEqual(['ConfigMap', 'Secret']);
    });

    it('runs two replicas of ingest and risk-engine', () => {
      const replicas = Object.fromEntries(
        deployments(manifests).map((d) => [appOfCommand(containersOf(d)[0].command), d.spec?.replicas ?? 1]),
      );
      expect(replicas).toMatchObject({ ingest: 2, 'risk-engine': 2 });
    });
  });

  describe('the code', () => {
    it('serves GET /health in every app', () => {
      expect(servedHealthProblems(healthSources())).toEqual([]);
    });
  });

  describe('the checks themselves catch', () => {
    const clone = <T>(value: T): T => structuredClone(value);

    it('a variable the schema does not have', () => {
      expect(variableProblems('x', ['MQTT_URL', 'MQTT_URI'])).toEqual(['x: MQTT_URI is not a variable of appConfigSchema']);
      const compose = clone(loadCompose());
      (compose.services.ingest.environment as Record<string, string>).KAFKA_BROKER = 'kafka:9092';
      expect(composeAppProblems(compose)).toEqual(['compose ingest: KAFKA_BROKER is not a variable of appConfigSchema']);
      const manifests = clone(loadManifests());
      findManifest(manifests, 'ConfigMap', 'zone-config')!.data!.LOGLEVEL = 'info';
      expect(k8sConfigKeyProblems(manifests)).toEqual(['k8s ConfigMap zone-config: LOGLEVEL is not a variable of appConfigSchema']);
    });

    it('a value the schema rejects', () => {
      const manifests = clone(loadManifests());
      findManifest(manifests, 'ConfigMap', 'zone-config')!.data!.TIMELINE_SECONDS = '300,180,60';
      expect(k8sContainerProblems(manifests)).toHaveLength(4);
    });

    it('a command that runs no app', () => {
      expect(commandProblems('x', ['node', 'dist/apps/ingester/src/main.js'])).toEqual([
        'x: runs ingester, but apps/ingester/src/main.ts does not exist',
      ]);
      expect(commandProblems('x', 'node dist/apps/ingest/main.js')).toHaveLength(1);
      const manifests = clone(loadManifests());
      containersOf(findManifest(manifests, 'Deployment', 'dispatch')!)[0].command = ['node', 'dist/apps/dispatcher/src/main.js'];
      expect(k8sContainerProblems(manifests)).toEqual([
        'k8s dispatch/dispatch: runs dispatcher, but apps/dispatcher/src/main.ts does not exist',
      ]);
    });

    it('a health check on another path or port', () => {
      const compose = clone(loadCompose());
      const test = compose.services.dispatch.healthcheck!.test as string[];
      test[test.length - 1] = test[test.length - 1].replace('/health', '/healthz');
      expect(composeAppProblems(compose)).toEqual(['compose dispatch healthcheck: checks /healthz, not /health']);
      const manifests = clone(loadManifests());
      containersOf(findManifest(manifests, 'Deployment', 'ingest')!)[0].readinessProbe!.httpGet!.port = 8080;
      expect(k8sContainerProblems(manifests)).toEqual(['k8s ingest/ingest readinessProbe: checks port 8080, not 3000']);
    });

    it('a container port that is not PORT', () => {
      const compose = clone(loadCompose());
      compose.services['command-center'].ports = ['3000:8080'];
      expect(composeAppProblems(compose)).toEqual(['compose command-center: container port 8080 is not PORT (3000)']);
      const manifests = clone(loadManifests());
      containersOf(findManifest(manifests, 'Deployment', 'risk-engine')!)[0].ports![0].containerPort = 8080;
      expect(k8sContainerProblems(manifests)).toEqual(['k8s risk-engine/risk-engine: container port 8080 is not PORT (3000)']);
      const services = clone(loadManifests());
      findManifest(services, 'Service', 'risk-engine')!.spec!.ports![0].targetPort = 'metrics';
      expect(serviceProblems(services)).toEqual(['k8s risk-engine: Service targetPort metrics reaches no container port']);
    });

    it('a reference to a missing Secret key, a Service that selects nothing, a wait without a health condition', () => {
      const manifests = clone(loadManifests());
      delete findManifest(manifests, 'Secret', 'zone-secrets')!.stringData!.OPERATOR_TOKEN;
      expect(k8sContainerProblems(manifests)).toEqual([
        'k8s command-center/command-center: mounts Secret zone-secrets key OPERATOR_TOKEN, which does not exist',
      ]);
      findManifest(manifests, 'Service', 'dispatch')!.spec!.selector = { 'app.kubernetes.io/name': 'dispatcher' };
      expect(serviceProblems(manifests)).toEqual(['k8s dispatch: no Service selects its pods']);
      const compose = clone(loadCompose());
      (compose.services.ingest.depends_on as Record<string, { condition?: string }>).kafka = { condition: 'service_started' };
      expect(dependsOnProblems(compose)).toEqual(['compose ingest: waits for kafka with service_started, not service_healthy']);
      (compose.services.dispatch.environment as Record<string, string>).DATABASE_URL = 'postgres://postgres@db:5432/zone';
      expect(addressProblems(compose)).toEqual(['compose dispatch: db is not a service of the file']);
    });

    it('a hop in clear or unauthenticated, and a secret in the environment', () => {
      const compose = clone(loadCompose());
      const env = compose.services.ingest.environment as Record<string, string>;
      env.MQTT_URL = 'mqtt://mosquitto:1883';
      env.KAFKA_SSL = 'false';
      delete env.KAFKA_SASL_MECHANISM;
      env.DATABASE_URL = 'postgres://postgres:pw@timescaledb:5432/zone';
      delete env.DATABASE_URL_FILE;
      expect(composeAppProblems(compose)).toEqual([
        'compose ingest: MQTT_URL mqtt://mosquitto:1883 is not mqtts://',
        'compose ingest: Kafka without KAFKA_SSL=true',
        'compose ingest: Kafka without a SCRAM KAFKA_SASL_MECHANISM',
        'compose ingest: no DATABASE_URL_FILE',
        'compose ingest: DATABASE_URL given inline, not as DATABASE_URL_FILE',
      ]);
      const manifests = clone(loadManifests());
      findManifest(manifests, 'ConfigMap', 'zone-config')!.data!.MQTT_URL = 'mqtt://mosquitto:1883';
      expect(k8sContainerProblems(manifests)).toHaveLength(4);
    });

    it('a file the container does not have mounted', () => {
      const compose = clone(loadCompose());
      compose.services.dispatch.secrets = ['ca', 'database-url'];
      expect(composeAppProblems(compose)).toEqual([
        'compose dispatch: KAFKA_SASL_PASSWORD_FILE /run/secrets/kafka-password is no file the container has mounted',
      ]);
      compose.secrets!['operator-token'] = { file: './tls/secrets/operator.token' };
      const made = makeSecrets();
      try {
        expect(composeSecretSourceProblems(compose, made)).toEqual([
          'compose secret operator-token: ./tls/secrets/operator.token is neither in deploy/ nor made by make-secrets.sh',
        ]);
      } finally {
        rmSync(made, { recursive: true, force: true });
      }
      const manifests = clone(loadManifests());
      const ingest = findManifest(manifests, 'Deployment', 'ingest')!;
      ingest.spec!.template!.spec.volumes![0].secret!.items!.pop();
      expect(k8sContainerProblems(manifests)).toEqual([
        'k8s ingest/ingest: MQTT_PASSWORD_FILE /etc/zone/secrets/MQTT_PASSWORD is no file the container has mounted',
      ]);
    });

    it('Kafka with ZooKeeper', () => {
      const compose = clone(loadCompose());
      const env = compose.services.kafka.environment as Record<string, string>;
      delete env.KAFKA_PROCESS_ROLES;
      env.KAFKA_ZOOKEEPER_CONNECT = 'zookeeper:2181';
      expect(kraftProblems(compose)).toEqual([
        'compose kafka: KAFKA_PROCESS_ROLES is not broker,controller (KRaft)',
        'compose kafka: uses ZooKeeper',
      ]);
    });

    it('a controller that does not serve /health', () => {
      const sources = healthSources();
      expect(servedHealthProblems({ ...sources, controller: sources.controller.replace("@Get('health')", "@Get('healthz')") })).toEqual([
        "HealthController: no @Get('health')",
      ]);
      expect(servedHealthProblems({ ...sources, controller: sources.controller.replace('@Controller()', "@Controller('ops')") })).toEqual([
        'HealthController: @Controller() has a route prefix',
      ]);
    });

    it('an app whose process leaves out /health', () => {
      const sources = healthSources();
      const infrastructure = sources.infrastructure.replace(/, ObservabilityModule\]/, ']');
      expect(servedHealthProblems({ ...sources, infrastructure })).toEqual(['InfrastructureModule: does not import ObservabilityModule']);
      const mains = { ...sources.mains, ingest: "void runMain('ingest', () => ({ module: IngestModule }));" };
      expect(servedHealthProblems({ ...sources, mains })).toEqual(['apps/ingest/src/main.ts: does not import InfrastructureModule']);
    });

    it('a Dockerfile that runs as root, ships dev dependencies or copies what .dockerignore leaves out', () => {
      const dockerfile = read('Dockerfile');
      const dockerignore = read('.dockerignore');
      expect(dockerfileProblems(dockerfile.replace(/^USER .*$/m, 'USER root'), dockerignore)).toEqual(['Dockerfile: runtime user is root']);
      expect(dockerfileProblems(dockerfile.replace('npm ci --omit=dev', 'npm ci'), dockerignore)).toEqual([
        'Dockerfile: runtime stage does not install with npm ci --omit=dev',
      ]);
      expect(dockerfileProblems(dockerfile, `${dockerignore}\nlibs\n`)).toEqual(['Dockerfile: COPY libs, which .dockerignore leaves out']);
      expect(
        dockerfileProblems(dockerfile.replace('dist/apps/all-in-one/src/main.js"]', 'dist/apps/all-in-two/src/main.js"]'), dockerignore),
      ).toEqual(['Dockerfile CMD: runs all-in-two, but apps/all-in-two/src/main.ts does not exist']);
    });
  });
});
