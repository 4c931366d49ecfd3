import 'reflect-metadata';
import { runMain } from '@app/config';
import { AllInOneModule } from './all-in-one.module';

void runMain('all-in-one', (config) => AllInOneModule.forRoot(config));
