#!/usr/bin/env node
// Entry point of the `pgcloud` command. The sources are TypeScript run through tsx,
// so `npm install` is the whole installation (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
