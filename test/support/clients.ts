// Official SDK clients of the companion services (vpc, tag, kms, billing, monitor) pointed at a test service.
import * as tc from 'tencentcloud-sdk-nodejs';
import { retryOnRateLimit } from './sdk.ts';

type Svc = { endpoint: string; secretId: string; secretKey: string };
const config = (svc: Svc, region: string) => ({
  credential: { secretId: svc.secretId, secretKey: svc.secretKey },
  region,
  profile: { httpProfile: { endpoint: svc.endpoint, protocol: 'http://', reqTimeout: 60 } },
});

export const vpcClient = (svc: Svc, region = 'ap-guangzhou') => retryOnRateLimit(new tc.vpc.v20170312.Client(config(svc, region)));
export const tagClient = (svc: Svc, region = 'ap-guangzhou') => retryOnRateLimit(new tc.tag.v20180813.Client(config(svc, region)));
export const kmsClient = (svc: Svc, region = 'ap-guangzhou') => retryOnRateLimit(new tc.kms.v20190118.Client(config(svc, region)));
export const billingClient = (svc: Svc, region = 'ap-guangzhou') => retryOnRateLimit(new tc.billing.v20180709.Client(config(svc, region)));
export const monitorClient = (svc: Svc, region = 'ap-guangzhou') => retryOnRateLimit(new tc.monitor.v20180724.Client(config(svc, region)));
