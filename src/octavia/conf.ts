// octavia.conf for a self-contained controller on loopback: noop compute, network and
// amphora drivers, noauth API (or Keystone tokens validated by keystonemiddleware), the health
// manager's UDP endpoint and its own log file.

/** The Keystone the API validates tokens with, and the service user keystonemiddleware logs in as. */
export interface KeystoneAuthOptions {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName?: string;
  projectDomainName?: string;
}

export interface OctaviaConfOptions {
  dbUrl: string;
  logFile: string;
  heartbeatKey: string;
  heartbeatInterval: number;
  hmPort: number;
  controllerIpPortList: string[];
  healthUpdateThreads: number;
  statsUpdateThreads: number;
  apiPort?: number;
  keystone?: KeystoneAuthOptions;
}

function authSection(k?: KeystoneAuthOptions): string {
  if (!k) return 'auth_strategy = noauth\n';
  return `auth_strategy = keystone

[keystone_authtoken]
www_authenticate_uri = ${k.authUrl}
auth_url = ${k.authUrl}
auth_type = password
interface = public
username = ${k.username}
password = ${k.password}
project_name = ${k.projectName}
user_domain_name = ${k.userDomainName ?? 'Default'}
project_domain_name = ${k.projectDomainName ?? 'Default'}
`;
}

export function renderOctaviaConf(o: OctaviaConfOptions): string {
  return `[DEFAULT]
log_file = ${o.logFile}
debug = False
use_stderr = False
transport_url = fake://

[database]
connection = ${o.dbUrl}

[health_manager]
bind_ip = 127.0.0.1
bind_port = ${o.hmPort}
heartbeat_key = ${o.heartbeatKey}
heartbeat_interval = ${o.heartbeatInterval}
heartbeat_timeout = 60
health_check_interval = 3
health_update_threads = ${o.healthUpdateThreads}
stats_update_threads = ${o.statsUpdateThreads}
controller_ip_port_list = ${o.controllerIpPortList.join(', ')}

[controller_worker]
amphora_driver = amphora_noop_driver
compute_driver = compute_noop_driver
network_driver = network_noop_driver

[task_flow]
jobboard_enabled = False

[api_settings]
pagination_max_limit = 1000000
bind_host = 127.0.0.1
bind_port = ${o.apiPort ?? 9876}
${authSection(o.keystone)}`;
}
