import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CaseloadRulesService } from './caseload-rules.service';
import { CertificationsService } from './certifications.service';
import { SpecialistRepository } from './specialist.repository';
import { SpecialistCertification } from './specialist-certification.entity';
import { SpecialistsController } from './specialists.controller';
import { SpecialistsService } from './specialists.service';

@Module({
  imports: [TypeOrmModule.forFeature([SpecialistCertification])],
  controllers: [SpecialistsController],
  providers: [
    SpecialistRepository,
    SpecialistsService,
    CertificationsService,
    CaseloadRulesService,
  ],
  exports: [CaseloadRulesService],
})
export class SpecialistsModule {}
