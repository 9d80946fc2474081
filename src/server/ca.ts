// /ssl/ca/<token>.crt: an account's CA certificate (public; the token, random, is what
// DescribeDBInstanceSSLConfig's CAUrl names), so clients can verify its servers (sslmode=verify-full).
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/db.ts';
import { findCaByToken } from '../store/ssl.ts';
import { asIs } from './replies.ts';

export function registerCa(app: FastifyInstance, db: Store): void {
  app.get<{ Params: { file: string } }>('/ssl/ca/:file', async (request, reply) => {
    const m = /^([0-9a-f]{32})\.crt$/.exec(request.params.file);
    const ca = m ? await findCaByToken(db, m[1]!) : undefined;
    if (!ca) return reply.code(404).header('content-type', 'text/plain').serializer(asIs).send('not found\n');
    return reply.header('content-type', 'application/x-pem-file').serializer(asIs).send(ca.cert_pem);
  });
}
