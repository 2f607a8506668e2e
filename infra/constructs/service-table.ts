import { Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ALL_INDEXES, TABLE, keys } from '#adapters/dynamodb/table-design';
import type { Binding } from './service-function.ts';

export interface ServiceTableProps {
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
}

/**
 * The service's single table, built from the same table design the store and the local stack
 * use: keys, every index, the TTL attribute, and a stream for the events handler.
 */
export class ServiceTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ServiceTableProps) {
    super(scope, id);
    const string = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: string(TABLE.partitionKey),
      sortKey: string(TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.ttlAttribute,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    for (const [indexName, index] of Object.entries(ALL_INDEXES)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /**
   * PutItem on page-start items only (`PAGESTART#…`, see DynamoDbPageStarts), for the list function,
   * which otherwise only reads: an IAM condition on the partition key keeps it from writing calls.
   */
  get pageStartWrites(): Binding<Record<string, never>> {
    const prefix = keys.pageStart('', '', 0).pk.split('#')[0];
    return {
      environment: {},
      grant: (fn) =>
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['dynamodb:PutItem'],
            resources: [this.table.tableArn],
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}#*`] } },
          }),
        ),
    };
  }

  /** Read or read-write access to the table and its indexes, and TABLE_NAME. */
  access(mode: 'read' | 'readWrite'): Binding<{ TABLE_NAME: string }> {
    return {
      environment: { TABLE_NAME: this.table.tableName },
      grant: (fn) => {
        if (mode === 'read') this.table.grantReadData(fn);
        else this.table.grantReadWriteData(fn);
        Validations.of(fn.role as iam.IRole).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.table.node.defaultChild as dynamodb.CfnTable)}.Arn>/index/*]`,
          reason:
            "The indexes of this one table (the list filters, the reconciler's watchdog); each is named by the table design, not chosen at run time.",
        });
      },
    };
  }
}
