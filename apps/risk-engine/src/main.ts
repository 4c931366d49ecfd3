import 'reflect-metadata';
import { InfrastructureModule, runMain } from '@app/config';
import { RiskEngineModule } from './risk-engine.module';

void runMain('risk-engine', (config) => ({ module: RiskEngineModule, imports: [InfrastructureModule.forRoot(config, 'risk-engine')] }));
