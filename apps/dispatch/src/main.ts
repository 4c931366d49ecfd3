import 'reflect-metadata';
import { InfrastructureModule, runMain } from '@app/config';
import { DispatchModule } from './dispatch.module';

void runMain('dispatch', (config) => ({ module: DispatchModule, imports: [InfrastructureModule.forRoot(config, 'dispatch')] }));
