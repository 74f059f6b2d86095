import { failed, ready } from './instrument';

import { createWorker } from '../../src/worker';

/** The service's worker process (createWorker from src/worker), instrumented. */
createWorker()
  .then(() => ready())
  .catch(failed);
