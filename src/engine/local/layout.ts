// Where the engine keeps things under its data directory:
//   templates/<major>-<encoding>/     stopped clusters made once by initdb
//   instances/<id>/data/              the instance's cluster (a copy of a template)
//   instances/<id>/sock/              its Unix socket directory (mode 0700, PostgreSQL's user)
//   instances/<id>/server.log         the postmaster's stderr
//   backups/<store>/wal/              the archived WAL of an instance (its store: the service's instance id,
//                                     shared by its HA nodes), never inside a data directory
//   backups/<store>/base/<backup>/    its base backups: data/ (the files) and manifest.json (LSNs, checksums)
import { createHash } from 'node:crypto';
import path from 'node:path';

export interface InstancePaths {
  dir: string;
  data: string;
  sock: string;
  log: string;
}

// sun_path holds 107 characters; the socket is <sock>/.s.PGSQL.<port> with a port of up to 5 digits.
const MAX_SOCK_DIR = 107 - '/.s.PGSQL.'.length - 5;

export class Layout {
  readonly root: string;
  readonly templates: string;
  readonly instances: string;
  readonly backups: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.templates = path.join(this.root, 'templates');
    this.instances = path.join(this.root, 'instances');
    this.backups = path.join(this.root, 'backups');
  }

  /** The backup store of an instance: its WAL archive and base backups. */
  backupStore(store: string): { dir: string; wal: string; base: string } {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(store) || store.includes('..')) throw new Error(`invalid backup store ${JSON.stringify(store)}`);
    const dir = path.join(this.backups, store);
    return { dir, wal: path.join(dir, 'wal'), base: path.join(dir, 'base') };
  }

  template(major: string, encoding: string): string {
    return path.join(this.templates, `${major}-${encoding}`);
  }

  instance(id: string): InstancePaths {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(id) || id.includes('..')) throw new Error(`invalid instance id ${JSON.stringify(id)}`);
    const dir = path.join(this.instances, id);
    let sock = path.join(dir, 'sock');
    // A deep data directory would make the socket path too long: fall back to a short private dir.
    if (sock.length > MAX_SOCK_DIR) sock = path.join('/tmp', `pgcloud-${createHash('sha256').update(dir).digest('hex').slice(0, 20)}`);
    return { dir, data: path.join(dir, 'data'), sock, log: path.join(dir, 'server.log') };
  }
}
