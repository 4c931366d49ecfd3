import 'reflect-metadata';
import { InfrastructureModule, runMain } from '@app/config';
import { IngestModule } from './ingest.module';

void runMain('ingest', (config) => ({ module: IngestModule, imports: [InfrastructureModule.forRoot(config, 'ingest')] }));
